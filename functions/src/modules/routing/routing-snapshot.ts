import type { CacheSnapshot } from '../cache/ports.ts';
import type { ApiDomainInfo, RoutingRule } from '../purelymail/purelymail-types.ts';
import { listAllUsers, type UserListing } from '../users/user-listing.ts';
import type { RoutingDeps } from './routing-deps.ts';

export interface RoutingSnapshot {
  rules: RoutingRule[];
  /** Rules PurelyMail returned that could not be read (not in `rules`). */
  unreadableRules: number;
  domains: ApiDomainInfo[];
  /** The user list, possibly capped at PurelyMail's 1,000: an address not in it may still be a user. */
  users: UserListing;
  syncedAt: string | null;
}

/**
 * Rules, domains and users from the cache. A list that was never cached (a fresh install) is read from
 * PurelyMail once and stored; afterwards page loads cost no PurelyMail call.
 */
export async function routingSnapshot(deps: Pick<RoutingDeps, 'purelymail' | 'cache' | 'clock'>): Promise<RoutingSnapshot> {
  const snapshot: CacheSnapshot = await deps.cache.read();
  const at = () => deps.clock.now().toISOString();
  const [rules, domains, users] = await Promise.all([
    snapshot.rules ??
      deps.purelymail.listRoutingRules().then(async ({ rules, unreadable = 0 }) => {
        const syncedAt = at();
        await deps.cache.putRules(rules, syncedAt, unreadable);
        return { rules, syncedAt, unreadable };
      }),
    snapshot.domains ??
      deps.purelymail.listDomains({ includeShared: false }).then(async ({ domains, unreadable = 0 }) => {
        const syncedAt = at();
        await deps.cache.putDomains(domains, syncedAt, unreadable);
        return { domains, syncedAt, unreadable };
      }),
    snapshot.users ??
      listAllUsers(deps.purelymail).then(async (listing) => {
        await deps.cache.putUsers(listing.addresses, at(), listing);
        return listing;
      }),
  ]);
  return { rules: rules.rules, unreadableRules: rules.unreadable, domains: domains.domains, users, syncedAt: rules.syncedAt };
}
