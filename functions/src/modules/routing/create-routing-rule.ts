import type { RoutingRuleInput, RoutingRuleView } from '@app/shared';
import { ROUTING_RULE_CONFLICT, RULE_UNDO_MINUTES } from '@app/shared';
import { ruleIdentity } from '../pending-actions/target-identity.ts';
import { ConflictError } from '../errors.ts';
import { PurelyMailApiError } from '../purelymail/errors.ts';
import { checkRule, isRuleFor } from './check-rule.ts';
import type { RoutingDeps } from './routing-deps.ts';
import { toRuleView, writeRulesThrough } from './rule-view.ts';

/**
 * Creates a routing rule from one of the four presets.
 *
 * 1. Fresh listDomains and listRoutingRules (the cache may be behind another admin or tool).
 * 2. Refuse an unknown domain or a rule in an occupied slot, naming the rule it collides with.
 * 3. createRoutingRule with exactly the preset's fields.
 * 4. Re-list (PurelyMail returns no id), write through to the cache.
 * 5. Remember who created it and when: that admin may undo it at once for RULE_UNDO_MINUTES (undo-rule.ts).
 */
export const makeCreateRoutingRule = (deps: RoutingDeps) => async (input: RoutingRuleInput, createdBy: string): Promise<RoutingRuleView> => {
  const [{ domains }, { rules }] = await Promise.all([deps.purelymail.listDomains({ includeShared: false }), deps.purelymail.listRoutingRules()]);
  const request = checkRule(input, domains, rules);
  try {
    await deps.purelymail.createRoutingRule(request);
  } catch (err) {
    if (err instanceof PurelyMailApiError && err.code === 'ruleAlreadyExists') {
      throw new ConflictError('Another rule for this address was created a moment ago. Reload the page to see it.', ROUTING_RULE_CONFLICT, { cause: err });
    }
    throw err;
  }
  const after = await deps.purelymail.listRoutingRules();
  await writeRulesThrough(deps, after);
  const created = after.rules.find((r) => isRuleFor(r, request));
  if (!created) throw new ConflictError('PurelyMail accepted the rule but does not list it. Reload the page to see the current rules.', 'routing_rule_missing');
  const createdAt = deps.clock.now();
  const undoUntil = new Date(createdAt.getTime() + RULE_UNDO_MINUTES * 60_000);
  // Kept a day past the window (TTL deletion lags; the window itself is checked in code).
  await deps.undo.put({ ruleId: created.id, identity: ruleIdentity(created), createdBy, createdAt: createdAt.toISOString() }, Math.ceil(undoUntil.getTime() / 1000) + 86_400);
  return toRuleView(created, new Map(), undoUntil.toISOString());
};
