import type { CacheSnapshot } from '../cache/ports.ts';
import type { ApiDomainInfo } from '../purelymail/purelymail-types.ts';
import type { DomainsDeps } from './domains-deps.ts';

/** Re-reads the domain list from PurelyMail and writes it through to the cache. */
export async function refreshDomains(deps: Pick<DomainsDeps, 'purelymail' | 'cache' | 'clock'>): Promise<{ domains: ApiDomainInfo[]; syncedAt: string }> {
  const { domains } = await deps.purelymail.listDomains({ includeShared: false });
  const syncedAt = deps.clock.now().toISOString();
  await deps.cache.putDomains(domains, syncedAt);
  return { domains, syncedAt };
}

/**
 * The cached domain list; only an empty cache (a fresh install) costs one listDomains call.
 * listDomains reads PurelyMail's stored verdict and never triggers a DNS check.
 */
export async function cachedDomains(
  deps: Pick<DomainsDeps, 'purelymail' | 'cache' | 'clock'>,
  snapshot: CacheSnapshot,
): Promise<{ domains: ApiDomainInfo[]; syncedAt: string }> {
  return snapshot.domains ?? refreshDomains(deps);
}

/** The cached user addresses; an empty cache costs one listUser call, stored for the next reader. */
export async function cachedUsers(deps: Pick<DomainsDeps, 'purelymail' | 'cache' | 'clock'>, snapshot: CacheSnapshot): Promise<string[]> {
  if (snapshot.users) return snapshot.users.addresses;
  const { users } = await deps.purelymail.listUser();
  await deps.cache.putUsers(users, deps.clock.now().toISOString());
  return users;
}
