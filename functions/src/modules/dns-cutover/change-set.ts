import type { DnsChange, DnsRecordSet, SavedRecordSet } from '@app/shared/schemas/dns-cutover';
import { normalizeDnsName } from '../dns/dns-name.ts';
import type { ExpectedRecord } from '../dns/expected-records.ts';
import { isSpfRecord, mergeSpfRecords } from '../dns/spf-record.ts';
import type { ProviderChange } from './ports.ts';

/** Short, so a mistake (or a rollback) propagates within minutes; raise it once the move is done. */
export const CUTOVER_TTL_SECONDS = 300;

/** The names a cutover reads and writes: the apex and every CNAME host (DKIM, DMARC). */
export function cutoverNames(records: readonly ExpectedRecord[]): string[] {
  return [...new Set(records.map((r) => normalizeDnsName(r.host)))];
}

/**
 * The SPF value to publish: the current SPF record(s) merged with PurelyMail's include (every other mechanism kept:
 * during a move the old host still sends, and other senders such as a newsletter service must keep passing), or
 * PurelyMail's own record when there is none.
 */
export function spfToPublish(currentApexTxt: readonly string[], expected: string): string {
  const spf = currentApexTxt.map((v) => v.trim()).filter(isSpfRecord);
  return spf.length === 0 ? expected : mergeSpfRecords(spf);
}

/**
 * What applying `records` to a zone holding `current` changes, one entry per record set (DELETEs first):
 * - the apex MX becomes PurelyMail's alone (the old host's MX are replaced);
 * - the apex TXT keeps every value that is not SPF (other verification strings), gets the ownership proof, and its
 *   SPF value is replaced by `spfToPublish`;
 * - each DKIM/DMARC name gets its CNAME, and any other record set there is deleted (a CNAME cannot share its name).
 * Record sets that already hold the wanted values are left out.
 */
export function cutoverChanges(records: readonly ExpectedRecord[], current: readonly DnsRecordSet[]): DnsChange[] {
  const find = (name: string, type: DnsRecordSet['type']) => current.find((s) => normalizeDnsName(s.name) === name && s.type === type) ?? null;
  const wanted: DnsRecordSet[] = [];
  const deletes: DnsChange[] = [];

  const apexMx = records.filter((r) => r.type === 'MX');
  for (const name of new Set(apexMx.map((r) => normalizeDnsName(r.host)))) {
    wanted.push(set(name, 'MX', apexMx.filter((r) => normalizeDnsName(r.host) === name).map((r) => mxValue(r.priority ?? 10, r.value))));
  }

  const txt = records.filter((r) => r.type === 'TXT');
  for (const name of new Set(txt.map((r) => normalizeDnsName(r.host)))) {
    const before = find(name, 'TXT')?.values ?? [];
    const values = before.filter((v) => !isSpfRecord(v));
    for (const r of txt.filter((t) => normalizeDnsName(t.host) === name)) {
      const value = r.kind === 'spf' ? spfToPublish(before, r.value) : r.value;
      if (!values.includes(value)) values.push(value);
    }
    wanted.push(set(name, 'TXT', values));
  }

  for (const r of records.filter((t) => t.type === 'CNAME')) {
    const name = normalizeDnsName(r.host);
    wanted.push(set(name, 'CNAME', [normalizeDnsName(r.value)]));
    for (const other of current.filter((s) => normalizeDnsName(s.name) === name && s.type !== 'CNAME')) {
      deletes.push({ action: 'DELETE', name, type: other.type, before: other, after: null, replaced: [...other.values] });
    }
  }

  const upserts = wanted.flatMap((after): DnsChange[] => {
    const before = find(after.name, after.type);
    if (before && sameValues(before, after)) return [];
    const kept = new Set(after.values.map((v) => comparable(after.type, v)));
    return [{ action: 'UPSERT', name: after.name, type: after.type, before, after, replaced: (before?.values ?? []).filter((v) => !kept.has(comparable(after.type, v))) }];
  });
  return [...deletes, ...upserts];
}

/** The record sets a change set overwrites, as they were: what "roll back the DNS" puts back. */
export function savedRecordSets(changes: readonly DnsChange[]): SavedRecordSet[] {
  return changes.map((c) => ({ name: c.name, type: c.type, existed: c.before !== null, ttl: c.before?.ttl ?? null, values: c.before ? [...c.before.values] : [] }));
}

/** The provider changes a DnsChange list stands for. */
export function providerChanges(changes: readonly DnsChange[]): ProviderChange[] {
  return changes.map((c) => (c.action === 'DELETE' ? { action: 'DELETE', recordSet: c.before! } : { action: 'UPSERT', recordSet: c.after! }));
}

/**
 * Puts the saved record sets back over `current` (the zone as it is now): the saved ones UPSERTed, the ones that did
 * not exist before DELETEd where something is there now (DELETEs first, so a TXT can return where a CNAME was).
 */
export function rollbackChanges(saved: readonly SavedRecordSet[], current: readonly DnsRecordSet[]): ProviderChange[] {
  const deletes: ProviderChange[] = [];
  const upserts: ProviderChange[] = [];
  for (const s of saved) {
    const name = normalizeDnsName(s.name);
    if (s.existed && s.values.length > 0) {
      upserts.push({ action: 'UPSERT', recordSet: { name, type: s.type, ttl: s.ttl ?? CUTOVER_TTL_SECONDS, values: [...s.values] } });
    } else {
      const now = current.find((c) => normalizeDnsName(c.name) === name && c.type === s.type);
      if (now) deletes.push({ action: 'DELETE', recordSet: now });
    }
  }
  return [...deletes, ...upserts];
}

export const mxValue = (priority: number, exchange: string) => `${priority} ${normalizeDnsName(exchange)}`;

function set(name: string, type: DnsRecordSet['type'], values: string[]): DnsRecordSet {
  return { name, type, ttl: CUTOVER_TTL_SECONDS, values };
}

/**
 * Host names compare without case or trailing dot; TXT values exactly. An MX compares by its host only: PurelyMail's
 * check ignores the priority, so an MX to PurelyMail at priority 50 is not rewritten to 10.
 */
function comparable(type: DnsRecordSet['type'], value: string): string {
  if (type === 'TXT') return value;
  const normalized = value.trim().replace(/\.+$/, '').toLowerCase().replace(/\s+/g, ' ');
  return type === 'MX' ? normalized.replace(/^\d+ /, '') : normalized;
}

function sameValues(a: DnsRecordSet, b: DnsRecordSet): boolean {
  const left = a.values.map((v) => comparable(a.type, v)).sort();
  const right = b.values.map((v) => comparable(b.type, v)).sort();
  return left.length === right.length && left.every((v, i) => v === right[i]);
}
