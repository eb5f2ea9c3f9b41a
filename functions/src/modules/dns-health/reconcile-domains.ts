import type { DnsTierDeps } from './run-dns-tier.ts';
import type { DnsHealthRecord } from './ports.ts';

/** A domain that has never been rechecked: the first tier, due at once. */
export function uncheckedRecord(domain: string, now: Date): DnsHealthRecord {
  const at = now.toISOString();
  return {
    domain,
    status: 'unchecked',
    failingCount: 0,
    summary: null,
    ownFailing: null,
    lastCheckedAt: null,
    lastOwnCheckAt: null,
    lastManualCheckAt: null,
    nextCheckAt: at,
    failingStreak: 0,
    failingSince: null,
    version: 1,
    ownFingerprint: null,
    nextOwnCheckAt: at,
  };
}

/**
 * Tracks exactly the domains in the cached domain list (a free read): new ones enter as unchecked,
 * deleted ones leave. Without a cached list yet, the tracked set is left alone; with a list that has domains
 * PurelyMail returned unreadably, none leaves (a missing one may be among them).
 */
export async function reconcileDomains(deps: Pick<DnsTierDeps, 'store' | 'cache'>, now: Date): Promise<{ records: DnsHealthRecord[]; added: string[]; removed: string[] }> {
  const [tracked, snapshot] = await Promise.all([deps.store.listAll(), deps.cache.read()]);
  if (!snapshot.domains) return { records: tracked, added: [], removed: [] };
  const known = new Set(snapshot.domains.domains.map((d) => d.name.toLowerCase()));
  const records: DnsHealthRecord[] = [];
  const added: string[] = [];
  const removed: string[] = [];
  for (const r of tracked) {
    if (known.has(r.domain) || snapshot.domains.unreadable > 0) records.push(r);
    else {
      await deps.store.remove(r.domain);
      removed.push(r.domain);
    }
  }
  const trackedNames = new Set(tracked.map((r) => r.domain));
  for (const domain of known) {
    if (trackedNames.has(domain)) continue;
    const record = uncheckedRecord(domain, now);
    if (await deps.store.create(record)) added.push(domain);
    records.push((await deps.store.get(domain)) ?? record);
  }
  return { records, added, removed };
}
