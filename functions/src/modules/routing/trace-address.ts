import type { RouteTrace } from '@app/shared';
import { userExists } from '../users/user-listing.ts';
import type { RoutingRule } from '../purelymail/purelymail-types.ts';
import type { RoutingDeps } from './routing-deps.ts';
import { routingSnapshot, type RoutingSnapshot } from './routing-snapshot.ts';
import { traceWithUnlisted } from './trace-route.ts';

/** getUser calls one trace may make to check addresses a capped user list does not show. */
const MAX_USER_CHECKS = 20;

/**
 * "Where does mail to this address go?" over a snapshot of the cached rules, users and domains; `rules` replaces
 * the snapshot's rules to ask "what if" (the rule dialog's preview).
 *
 * 1. Trace with the cached lists (no PurelyMail call while the user list is complete).
 * 2. While that list is capped at PurelyMail's 1,000, an address it does not show may still be a user, which
 *    changes where mail goes (a catchall skips users; a user's mailbox receives): ask getUser for each such
 *    address the trace passed through, and trace again with the answers, until nothing new is asked.
 */
export async function traceInSnapshot(deps: Pick<RoutingDeps, 'purelymail'>, snap: RoutingSnapshot, address: string, rules: readonly RoutingRule[] = snap.rules): Promise<RouteTrace> {
  const users = new Set(snap.users.addresses.map((u) => u.toLowerCase()));
  const asked = new Set<string>();
  for (;;) {
    const { trace, unlisted } = traceWithUnlisted(address, { rules, users, domains: snap.domains, usersCapped: snap.users.capped });
    const toAsk = unlisted.filter((a) => !asked.has(a));
    if (toAsk.length === 0 || asked.size >= MAX_USER_CHECKS) return trace;
    for (const a of toAsk.slice(0, MAX_USER_CHECKS - asked.size)) {
      asked.add(a);
      if (await userExists(deps.purelymail, a)) users.add(a);
    }
  }
}

/** The route simulator over the current cache. */
export const makeTraceAddress = (deps: RoutingDeps) => async (address: string): Promise<RouteTrace> => traceInSnapshot(deps, await routingSnapshot(deps), address);
