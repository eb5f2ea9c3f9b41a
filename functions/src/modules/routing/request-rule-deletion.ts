import type { PendingAction } from '@app/shared';
import { NotFoundError } from '../errors.ts';
import { ruleIdentity } from '../pending-actions/target-identity.ts';
import { describeRule } from './describe-rule.ts';
import type { RoutingDeps } from './routing-deps.ts';

/**
 * Queues a rule deletion (it runs after the deletion delay unless cancelled).
 *
 * 1. Fresh listRoutingRules: 404 if the rule is gone.
 * 2. Request a `delete-routing-rule` pending action with the rule id as target, the rule in words as label,
 *    and what it matches as its identity (a rule re-created meanwhile is reported, not mistaken for gone).
 */
export const makeRequestRuleDeletion = (deps: RoutingDeps) => async (id: number, requestedBy: string): Promise<PendingAction> => {
  const rule = (await deps.purelymail.listRoutingRules()).rules.find((r) => r.id === id);
  if (!rule) throw new NotFoundError('This routing rule no longer exists. Reload the page to see the current rules.');
  return deps.pendingActions.request({ kind: 'delete-routing-rule', target: String(rule.id), label: describeRule(rule), requestedBy, targetGeneration: ruleIdentity(rule) });
};
