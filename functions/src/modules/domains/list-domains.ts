import type { DomainList } from '@app/shared';
import { countUsersByDomain, pendingByTarget, toDomain } from './domain-view.ts';
import type { DomainsDeps } from './domains-deps.ts';
import { cachedDomains, cachedUsers } from './refresh-domains.ts';

/**
 * The domain list with PurelyMail's DNS verdict, users per domain and scheduled deletions.
 *
 * 1. Read the cache and the pending deletions (no PurelyMail call unless a list was never cached).
 * 2. Count users per domain from the cached user list.
 */
export const makeListDomains = (deps: DomainsDeps) => async (): Promise<DomainList> => {
  const [snapshot, pending] = await Promise.all([deps.cache.read(), deps.pendingActions.listPending()]);
  const [{ domains, syncedAt }, addresses] = await Promise.all([cachedDomains(deps, snapshot), cachedUsers(deps, snapshot)]);
  const users = countUsersByDomain(addresses);
  const scheduled = pendingByTarget(pending, 'delete-domain');
  return {
    domains: domains.map((d) => toDomain(d, users, scheduled)).sort((a, b) => a.name.localeCompare(b.name)),
    syncedAt,
  };
};
