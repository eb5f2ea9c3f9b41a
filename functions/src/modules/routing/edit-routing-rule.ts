import type { RoutingRuleInput, RoutingRuleView } from '@app/shared';
import { ConflictError, NotFoundError } from '../errors.ts';
import type { CreateRoutingRuleRequest, RoutingRule } from '../purelymail/purelymail-types.ts';
import { checkRule, isRuleFor } from './check-rule.ts';
import { describeRule } from './describe-rule.ts';
import type { RoutingDeps } from './routing-deps.ts';
import { toRuleView, writeRulesThrough } from './rule-view.ts';

const asRequest = (r: RoutingRule): CreateRoutingRuleRequest => ({
  domainName: r.domainName,
  prefix: r.prefix,
  matchUser: r.matchUser,
  targetAddresses: [...r.targetAddresses],
  catchall: r.catchall,
});

/**
 * Edits a rule. PurelyMail has no update call, so this is delete + create, never left half-done.
 *
 * 1. Fresh listDomains and listRoutingRules; 404 if the rule is gone, 409 if its deletion is scheduled.
 * 2. Check the new rule like a create (known domain, free slot apart from the rule itself).
 * 3. Nothing to do when nothing changed.
 * 4. deleteRoutingRule `{routingRuleId}`, then createRoutingRule with the new fields.
 * 5. If the create fails: re-list (a timed-out create may have worked); if the new rule is not there,
 *    re-create the old one and report the original failure. If even that fails, say exactly what to re-create.
 * 6. Re-list, write through to the cache, return the new rule (it has a new id).
 */
export const makeEditRoutingRule = (deps: RoutingDeps) => async (id: number, input: RoutingRuleInput): Promise<RoutingRuleView> => {
  const [{ domains }, { rules }, pending] = await Promise.all([
    deps.purelymail.listDomains({ includeShared: false }),
    deps.purelymail.listRoutingRules(),
    deps.pendingActions.listPending(),
  ]);
  const old = rules.find((r) => r.id === id);
  if (!old) throw new NotFoundError('This routing rule no longer exists (someone may have changed or deleted it). Reload the page to see the current rules.');
  if (pending.some((a) => a.kind === 'delete-routing-rule' && a.status === 'pending' && a.target === String(id))) {
    throw new ConflictError('This rule is scheduled for deletion. Cancel the deletion on the Pending page before editing it.', 'routing_rule_deletion_pending');
  }
  const request = checkRule(input, domains, rules, id);
  if (isRuleFor(old, request)) return toRuleView(old, new Map());

  await deps.purelymail.deleteRoutingRule({ routingRuleId: old.id });
  try {
    await deps.purelymail.createRoutingRule(request);
  } catch (err) {
    await restoreUnlessCreated(deps, old, request, err);
  }
  const after = await deps.purelymail.listRoutingRules();
  await writeRulesThrough(deps, after);
  const created = after.rules.find((r) => isRuleFor(r, request));
  if (!created) throw new ConflictError('PurelyMail accepted the new rule but does not list it. Reload the page to see the current rules.', 'routing_rule_missing');
  return toRuleView(created, new Map());
};

/**
 * Returns only when the new rule turns out to exist after all; otherwise puts the old rule back exactly as it
 * was (a rule made elsewhere may have no targets, or targets that are not addresses: the client sends them as
 * they are) and throws the original failure. A restore that fails is checked by re-listing before the admin
 * is told the old rule is missing: a timed-out create may still have worked.
 */
async function restoreUnlessCreated(deps: RoutingDeps, old: RoutingRule, request: CreateRoutingRuleRequest, failure: unknown): Promise<void> {
  const list = () =>
    deps.purelymail.listRoutingRules().then(
      (r) => r,
      () => undefined,
    );
  const oldIsBack = (rules: RoutingRule[] | undefined) => rules?.some((r) => isRuleFor(r, asRequest(old))) ?? false;
  const current = await list();
  if (current?.rules.some((r) => isRuleFor(r, request))) return;
  if (!oldIsBack(current?.rules)) {
    try {
      await deps.purelymail.createRoutingRule(asRequest(old));
    } catch (restoreError) {
      if (!oldIsBack((await list())?.rules)) {
        throw new ConflictError(
          `The edit failed and the old rule could not be put back, so it is missing now. Re-create it: ${describeRule(old)}.`,
          'routing_rule_restore_failed',
          { cause: restoreError },
        );
      }
    }
  }
  const restored = await list();
  if (restored) await writeRulesThrough(deps, restored);
  throw failure;
}
