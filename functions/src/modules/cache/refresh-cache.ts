import type { Clock } from '../../platform/clock.ts';
import type { PurelyMail } from '../purelymail/ports.ts';
import type { CacheSnapshot, CacheStore } from './ports.ts';

/**
 * Re-reads users, domains, rules and credit from PurelyMail (four calls, concurrently) and stores them.
 * Called on demand ("Refresh from PurelyMail") and on a schedule; page loads read the cache only.
 */
export const makeRefreshCache =
  (deps: { purelymail: PurelyMail; cache: CacheStore; clock: Clock }) =>
  async (): Promise<CacheSnapshot> => {
    const [users, domains, rules, credit] = await Promise.all([
      deps.purelymail.listUser(),
      deps.purelymail.listDomains({ includeShared: false }),
      deps.purelymail.listRoutingRules(),
      deps.purelymail.checkAccountCredit(),
    ]);
    const at = deps.clock.now().toISOString();
    await Promise.all([
      deps.cache.putUsers(users.users, at),
      deps.cache.putDomains(domains.domains, at),
      deps.cache.putRules(rules.rules, at),
      deps.cache.putCredit(credit.credit, at),
    ]);
    return deps.cache.read();
  };
