import type { RouteTrace } from '@app/shared';
import type { RoutingDeps } from './routing-deps.ts';
import { routingSnapshot } from './routing-snapshot.ts';
import { traceRoute } from './trace-route.ts';

/** "Where does mail to this address go?" over the cached rules, users and domains (no PurelyMail call). */
export const makeTraceAddress = (deps: RoutingDeps) => async (address: string): Promise<RouteTrace> => {
  const snap = await routingSnapshot(deps);
  return traceRoute(address, { rules: snap.rules, users: snap.users, domains: snap.domains });
};
