import { createHash } from 'node:crypto';
import type { Audit } from '../audit/audit.ts';
import type { CacheStore } from '../cache/ports.ts';
import type { DnsLookup } from '../dns/ports.ts';
import type { Notifier } from '../notifications/notifier.ts';
import { PurelyMailApiError, PurelyMailUnavailableError } from '../purelymail/errors.ts';
import type { PurelyMail } from '../purelymail/ports.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import { applyRecheck, type DnsTransition } from './apply-recheck.ts';
import { addMinutes, tierOf, type DnsHealthPolicy } from './dns-health-policy.ts';
import { ownDnsCheck } from './own-dns-check.ts';
import type { DnsHealthRecord, DnsHealthStore } from './ports.ts';
import { reconcileDomains } from './reconcile-domains.ts';

export interface DnsTierDeps {
  store: DnsHealthStore;
  purelymail: Pick<PurelyMail, 'updateDomainSettings' | 'listDomains'>;
  cache: Pick<CacheStore, 'read' | 'putDomains'>;
  lookup: DnsLookup;
  notify: Pick<Notifier, 'dnsChanged'>;
  audit: Pick<Audit, 'record'>;
  clock: Clock;
  logger: Logger;
  policy: DnsHealthPolicy;
  /** The failing-domain backoff ceiling (a setting). */
  ceilingMinutes: () => Promise<number>;
}

export interface DnsTierResult {
  added: string[];
  removed: string[];
  ownChecked: number;
  escalated: string[];
  rechecked: string[];
  transitions: DnsTransition[];
  /** Set when PurelyMail could not be used: nothing was changed, the next run tries again. */
  outage?: string;
}

const OWN_LOOKUP_CONCURRENCY = 5;

/**
 * One tier run. Costs PurelyMail nothing unless a domain is due, then k + 1 calls for k due domains.
 *
 * 1. Reconcile tracked domains with the cached domain list: new domains enter as unchecked (due now),
 *    deleted ones leave.
 * 2. Our own lookups for domains whose own check is due; a changed result makes the domain due now.
 * 3. Pick due domains (unchecked first, then oldest due; optionally one tier), at most `batch`.
 * 4. `updateDomainSettings({recheckDns})` for each, then one `listDomains` for all. One domain's refusal (an
 *    error envelope, whatever its shape, or a 4xx) concerns that domain only: the others go on. If PurelyMail
 *    is unavailable, stop here and write nothing: every domain keeps its state until the next run. A domain
 *    missing from a list with unreadable items is left as it was (it may be one of them), not taken for gone.
 * 5. Write each changed record with a conditional put on its version; for a healthy ↔ failing change
 *    the winner of that write records one "system" audit entry and notifies once.
 */
export const makeRunDnsTier =
  (deps: DnsTierDeps) =>
  async (opts: { tier?: 'new' | 'failing' | 'healthy' } = {}): Promise<DnsTierResult> => {
    const now = deps.clock.now();
    const nowIso = now.toISOString();
    const { records, added, removed } = await reconcileDomains(deps, now);
    const result: DnsTierResult = { added, removed, ownChecked: 0, escalated: [], rechecked: [], transitions: [] };

    const next = new Map(records.map((r) => [r.domain, { ...r }]));
    const ownDue = records.filter((r) => r.nextOwnCheckAt <= nowIso);
    for (let i = 0; i < ownDue.length; i += OWN_LOOKUP_CONCURRENCY) {
      const chunk = ownDue.slice(i, i + OWN_LOOKUP_CONCURRENCY);
      const checks = await Promise.all(chunk.map((r) => ownDnsCheck(r.domain, deps.lookup, now).catch(() => null)));
      chunk.forEach((r, j) => {
        const n = next.get(r.domain)!;
        n.nextOwnCheckAt = addMinutes(now, deps.policy.ownCheckMinutes);
        const check = checks[j];
        if (!check) return;
        result.ownChecked++;
        if (r.ownFingerprint !== null && r.ownFingerprint !== check.fingerprint && n.nextCheckAt > nowIso) {
          n.nextCheckAt = nowIso;
          result.escalated.push(r.domain);
        }
        Object.assign(n, { ownFingerprint: check.fingerprint, ownFailing: check.failing, lastOwnCheckAt: nowIso });
      });
    }

    const due = [...next.values()]
      .filter((r) => r.nextCheckAt <= nowIso && (!opts.tier || tierOf(r.status) === opts.tier))
      .sort((a, b) => Number(b.status === 'unchecked') - Number(a.status === 'unchecked') || a.nextCheckAt.localeCompare(b.nextCheckAt))
      .slice(0, deps.policy.batch);
    const gone = new Set<string>();
    if (due.length) {
      let listed;
      try {
        for (const r of due) {
          try {
            await deps.purelymail.updateDomainSettings({ name: r.domain, recheckDns: true });
          } catch (err) {
            // A refusal (the domain was just deleted, or any other business error) concerns that domain only.
            if (!isRefusal(err)) throw err;
            deps.logger.warn('dns recheck refused for one domain', { domain: r.domain, code: err instanceof PurelyMailApiError ? err.code : `HTTP ${String(err.status)}` });
          }
        }
        listed = await deps.purelymail.listDomains({ includeShared: false });
      } catch (err) {
        result.outage = err instanceof Error ? err.message : String(err);
        deps.logger.warn('dns tier run: PurelyMail unavailable; nothing changed, retrying next run', { error: result.outage });
        return result;
      }
      const summaries = new Map(listed.domains.map((d) => [d.name.toLowerCase(), d.dnsSummary]));
      const unreadable = listed.unreadable ?? 0;
      const ceiling = await deps.ceilingMinutes();
      for (const r of due) {
        const summary = summaries.get(r.domain);
        if (!summary) {
          if (!unreadable) gone.add(r.domain);
          continue;
        }
        const applied = applyRecheck(next.get(r.domain)!, summary, now, deps.policy, ceiling);
        next.set(r.domain, applied.next);
        result.rechecked.push(r.domain);
        if (applied.transition) result.transitions.push(applied.transition);
      }
      await deps.cache.putDomains(listed.domains, nowIso, unreadable);
    }

    const announced: DnsTransition[] = [];
    for (const before of records) {
      if (gone.has(before.domain)) {
        await deps.store.remove(before.domain);
        result.removed.push(before.domain);
        continue;
      }
      const after = next.get(before.domain)!;
      if (JSON.stringify(after) === JSON.stringify(before)) continue;
      const version = before.version + 1;
      if (!(await deps.store.replace({ ...after, version }, before.version))) continue;
      const transition = result.transitions.find((t) => t.domain === before.domain);
      if (transition) {
        announced.push(transition);
        await announce(deps, transition, version, nowIso);
      }
    }
    result.transitions = announced;
    return result;
  };

/** A refusal about one request: an error envelope, or a 4xx other than 429 (a throttle is an outage). */
function isRefusal(err: unknown): err is PurelyMailApiError | PurelyMailUnavailableError {
  if (err instanceof PurelyMailApiError) return true;
  return err instanceof PurelyMailUnavailableError && err.reason === 'http' && err.status !== undefined && err.status >= 400 && err.status < 500 && err.status !== 429;
}

async function announce(deps: DnsTierDeps, t: DnsTransition, version: number, at: string): Promise<void> {
  const key = `v${version}`;
  // Deterministic id: the audit store ignores a second append of the same entry.
  const id = `dnshealth-${createHash('sha256').update(`${t.domain}|${key}`).digest('hex').slice(0, 20)}`;
  await deps.audit.record({
    id,
    at,
    actor: 'system',
    action: t.to === 'failing' ? 'dns.break' : 'dns.recover',
    target: t.domain,
    result: 'ok',
    ip: '-',
    userAgent: 'dns tier run',
    ...(t.to === 'failing' ? { details: `PurelyMail reports failing: ${t.failing.join(', ')}` } : {}),
  });
  await deps.notify.dnsChanged({ domain: t.domain, to: t.to, failing: t.failing, at }, key);
}

export type { DnsHealthRecord };
