import type { DomainList } from '@app/shared';
import { countUsersByDomain, pendingByTarget, toDomain } from './domain-view.ts';
import type { DomainsDeps } from './domains-deps.ts';
import { cachedDomains, cachedUsers } from './refresh-domains.ts';
import { compareNames } from '../compare-names.ts';

/**
 * The domain list with PurelyMail's DNS verdict, users per domain and scheduled deletions.
 *
 * 1. Read the cache and the pending deletions (no PurelyMail call unless a list was never cached).
 * 2. Count users per domain from the cached user list (lower bounds while that list is capped).
 * 3. Say how many domains PurelyMail returned that could not be read (they are not in the list).
 */
export const makeListDomains = (deps: DomainsDeps) => async (): Promise<DomainList> => {
  const [snapshot, pending] = await Promise.all([deps.cache.read(), deps.pendingActions.listPending()]);
  const [{ domains, syncedAt, unreadable }, listing] = await Promise.all([cachedDomains(deps, snapshot), cachedUsers(deps, snapshot)]);
  const users = countUsersByDomain(listing);
  const scheduled = pendingByTarget(pending, 'delete-domain');
  return {
    domains: domains.map((d) => toDomain(d, users, scheduled)).sort((a, b) => compareNames(a.name, b.name)),
    syncedAt,
    unreadable,
  };
};
