import { makeCreateRoutingRule } from './create-routing-rule.ts';
import { makeEditRoutingRule } from './edit-routing-rule.ts';
import { makeGetRoutingOverview } from './get-routing-overview.ts';
import { makeRequestRuleDeletion } from './request-rule-deletion.ts';
import type { RoutingDeps } from './routing-deps.ts';
import { makeTraceAddress } from './trace-address.ts';

/** The routing capability: reads come from the cache; create, edit and the deletion request check PurelyMail first. */
export function makeRouting(deps: RoutingDeps) {
  return {
    overview: makeGetRoutingOverview(deps),
    trace: makeTraceAddress(deps),
    create: makeCreateRoutingRule(deps),
    edit: makeEditRoutingRule(deps),
    requestDeletion: makeRequestRuleDeletion(deps),
  };
}
export type RoutingModule = ReturnType<typeof makeRouting>;
