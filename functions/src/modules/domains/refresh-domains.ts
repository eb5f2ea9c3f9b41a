import type { CacheSnapshot } from '../cache/ports.ts';
import type { ApiDomainInfo } from '../purelymail/purelymail-types.ts';
import { listAllUsers, type UserListing } from '../users/user-listing.ts';
import type { DomainsDeps } from './domains-deps.ts';

/** A domain list as read from PurelyMail (or the cache): `unreadable` domains could not be read and are not in it. */
export interface DomainListing {
  domains: ApiDomainInfo[];
  syncedAt: string;
  unreadable: number;
}

/** Re-reads the domain list from PurelyMail and writes it through to the cache. */
export async function refreshDomains(deps: Pick<DomainsDeps, 'purelymail' | 'cache' | 'clock'>): Promise<DomainListing> {
  const { domains, unreadable = 0 } = await deps.purelymail.listDomains({ includeShared: false });
  const syncedAt = deps.clock.now().toISOString();
  await deps.cache.putDomains(domains, syncedAt, unreadable);
  return { domains, syncedAt, unreadable };
}

/**
 * The cached domain list; only an empty cache (a fresh install) costs one listDomains call.
 * listDomains reads PurelyMail's stored verdict and never triggers a DNS check.
 */
export async function cachedDomains(deps: Pick<DomainsDeps, 'purelymail' | 'cache' | 'clock'>, snapshot: CacheSnapshot): Promise<DomainListing> {
  return snapshot.domains ?? refreshDomains(deps);
}

/** The cached user list (capped or not); an empty cache costs one listUser call, stored for the next reader. */
export async function cachedUsers(deps: Pick<DomainsDeps, 'purelymail' | 'cache' | 'clock'>, snapshot: CacheSnapshot): Promise<UserListing> {
  if (snapshot.users) return snapshot.users;
  const listing = await listAllUsers(deps.purelymail);
  await deps.cache.putUsers(listing.addresses, deps.clock.now().toISOString(), listing);
  return listing;
}
