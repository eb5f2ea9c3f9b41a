import { makeCreateRoutingRule } from './create-routing-rule.ts';
import { makeEditRoutingRule } from './edit-routing-rule.ts';
import { makeGetRoutingOverview } from './get-routing-overview.ts';
import { makeRequestRuleDeletion } from './request-rule-deletion.ts';
import type { RoutingDeps } from './routing-deps.ts';
import { makeTraceAddress } from './trace-address.ts';
import { makePreviewRule } from './preview-rule.ts';
import { makeUndoRule } from './undo-rule.ts';

/** The routing capability: reads come from the cache; create, edit and the deletion request check PurelyMail first;
 * the creator of a rule may undo it at once for a few minutes. */
export function makeRouting(deps: RoutingDeps) {
  return {
    overview: makeGetRoutingOverview(deps),
    trace: makeTraceAddress(deps),
    create: makeCreateRoutingRule(deps),
    edit: makeEditRoutingRule(deps),
    requestDeletion: makeRequestRuleDeletion(deps),
    preview: makePreviewRule(deps),
    undo: makeUndoRule(deps),
  };
}
export type RoutingModule = ReturnType<typeof makeRouting>;
