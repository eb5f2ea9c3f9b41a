import { RULE_UNDO_MINUTES } from '@app/shared';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors.ts';
import { ruleIdentity } from '../pending-actions/target-identity.ts';
import { describeRule } from './describe-rule.ts';
import type { RoutingDeps } from './routing-deps.ts';
import { writeRulesThrough } from './rule-view.ts';

const SCHEDULE_INSTEAD = 'Use Delete to schedule its deletion instead.';

/**
 * Undoes a rule at once, outside the 24-hour queue: only the admin who created it through the panel, and only
 * for RULE_UNDO_MINUTES after (nothing was lost yet: the mail it took went where the admin just said).
 *
 * 1. The creation record: none → 409; another admin's → 403; older than the window → 409.
 * 2. Claim it with one conditional write (creator, window, not yet claimed): of parallel undos exactly one
 *    goes on; the others get 409.
 * 3. Fresh listRoutingRules: the rule must still be the one created (same id and match), else 409 and the
 *    record is dropped. deleteRoutingRule; on a PurelyMail failure the claim is given back (try again).
 * 4. Drop the record, re-list and write through to the cache. Returns the rule in words (the audit target).
 */
export const makeUndoRule = (deps: RoutingDeps) => async (id: number, by: string): Promise<{ label: string }> => {
  const now = deps.clock.now();
  const since = new Date(now.getTime() - RULE_UNDO_MINUTES * 60_000).toISOString();
  const record = await deps.undo.get(id);
  if (!record) throw new ConflictError(`This rule cannot be undone at once: it was not created in the panel in the last ${RULE_UNDO_MINUTES} minutes, or it was undone already. ${SCHEDULE_INSTEAD}`, 'rule_undo_unavailable');
  if (record.createdBy !== by) throw new ForbiddenError(`Only ${record.createdBy}, who created this rule, can undo it at once. ${SCHEDULE_INSTEAD}`);
  if (record.createdAt < since) throw new ConflictError(`The ${RULE_UNDO_MINUTES} minutes to undo this rule at once have passed. ${SCHEDULE_INSTEAD}`, 'rule_undo_expired');
  if (!(await deps.undo.claim(id, by, since, now.toISOString()))) {
    throw new ConflictError('This rule is already being undone by another request. Reload the page to see the current rules.', 'rule_undo_taken');
  }
  let label: string;
  try {
    const rule = (await deps.purelymail.listRoutingRules()).rules.find((r) => r.id === id);
    if (!rule || ruleIdentity(rule) !== record.identity) {
      await deps.undo.delete(id);
      if (!rule) throw new NotFoundError('This routing rule no longer exists. Reload the page to see the current rules.');
      throw new ConflictError(`This rule was changed since you created it, so it is not undone at once. ${SCHEDULE_INSTEAD}`, 'rule_undo_changed');
    }
    label = describeRule(rule);
    await deps.purelymail.deleteRoutingRule({ routingRuleId: id });
  } catch (err) {
    await deps.undo.release(id);
    throw err;
  }
  await deps.undo.delete(id);
  await writeRulesThrough(deps, await deps.purelymail.listRoutingRules());
  return { label };
};
