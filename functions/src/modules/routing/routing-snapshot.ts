import type { CacheSnapshot } from '../cache/ports.ts';
import type { ApiDomainInfo, RoutingRule } from '../purelymail/purelymail-types.ts';
import type { RoutingDeps } from './routing-deps.ts';

export interface RoutingSnapshot {
  rules: RoutingRule[];
  domains: ApiDomainInfo[];
  users: string[];
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
      deps.purelymail.listRoutingRules().then(async ({ rules }) => {
        const syncedAt = at();
        await deps.cache.putRules(rules, syncedAt);
        return { rules, syncedAt };
      }),
    snapshot.domains ??
      deps.purelymail.listDomains({ includeShared: false }).then(async ({ domains }) => {
        const syncedAt = at();
        await deps.cache.putDomains(domains, syncedAt);
        return { domains, syncedAt };
      }),
    snapshot.users ??
      deps.purelymail.listUser().then(async ({ users }) => {
        const syncedAt = at();
        await deps.cache.putUsers(users, syncedAt);
        return { addresses: users, syncedAt };
      }),
  ]);
  return { rules: rules.rules, domains: domains.domains, users: users.addresses, syncedAt: rules.syncedAt };
}
