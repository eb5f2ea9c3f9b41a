import { createHash } from 'node:crypto';
import type { AuditInput } from '../audit/audit.ts';
import type { Clock } from '../../platform/clock.ts';
import type { PurelyMail } from '../purelymail/ports.ts';
import { listAllUsers } from '../users/user-listing.ts';
import { describeDrift, detectDrift, summarizeDrift } from './detect-drift.ts';
import type { CacheSnapshot, CacheStore } from './ports.ts';

/** The audit action of a "changed outside PurelyManage" entry. */
export const DRIFT_AUDIT_ACTION = 'purelymail.outside_change.detect';

/**
 * Re-reads users, domains, rules and credit from PurelyMail and stores them.
 * Called on demand ("Refresh from PurelyMail") and on a schedule; page loads read the cache only.
 * 1. Read the four lists from PurelyMail, concurrently.
 * 2. Read the cache before and after, so a change the panel wrote through meanwhile is not taken for drift.
 * 3. Compare: a difference against both cache reads was made outside the panel.
 * 4. Store the fresh lists.
 * 5. Record one "system" audit entry listing the drift. Its id is derived from the baseline and the
 *    changes, so two refreshes racing over the same baseline record it once.
 */
export const makeRefreshCache =
  (deps: { purelymail: PurelyMail; cache: CacheStore; clock: Clock; audit?: { record(input: AuditInput): Promise<unknown> } }) =>
  async (): Promise<CacheSnapshot> => {
    const before = deps.audit ? await deps.cache.read() : undefined;
    const [users, domains, rules, credit] = await Promise.all([
      listAllUsers(deps.purelymail),
      deps.purelymail.listDomains({ includeShared: false }),
      deps.purelymail.listRoutingRules(),
      deps.purelymail.checkAccountCredit(),
    ]);
    const after = deps.audit ? await deps.cache.read() : undefined;
    const at = deps.clock.now().toISOString();
    await Promise.all([
      deps.cache.putUsers(users.addresses, at, users),
      deps.cache.putDomains(domains.domains, at, domains.unreadable),
      deps.cache.putRules(rules.rules, at, rules.unreadable),
      deps.cache.putCredit(credit.credit, at),
    ]);
    if (deps.audit && before && after) {
      const fresh = {
        users: users.addresses,
        usersCapped: users.capped,
        domains: domains.domains,
        rules: rules.rules,
        unreadable: { users: users.unreadable, domains: domains.unreadable, rules: rules.unreadable },
      };
      // A change we made while PurelyMail was being read shows against one of the two cache reads only.
      const seenAfter = new Set(detectDrift(after, fresh).map((c) => JSON.stringify(c)));
      const changes = detectDrift(before, fresh).filter((c) => seenAfter.has(JSON.stringify(c)));
      if (changes.length) {
        const details = describeDrift(changes);
        const baseline = [before.users?.syncedAt, before.domains?.syncedAt, before.rules?.syncedAt].join('|');
        const digest = createHash('sha256').update(`${baseline}\n${details}`).digest('hex').slice(0, 24);
        await deps.audit.record({
          id: `drift-${digest}`,
          actor: 'system',
          action: DRIFT_AUDIT_ACTION,
          target: `Changed outside PurelyManage: ${summarizeDrift(changes)}`,
          result: 'ok',
          ip: '-',
          userAgent: '',
          details: details.length > 4000 ? `${details.slice(0, 3990)} …` : details,
        });
      }
    }
    return deps.cache.read();
  };
