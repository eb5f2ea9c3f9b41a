import type { DomainDnsSummary } from '@app/shared';
import { addMinutes, nextCheckDelayMinutes, type DnsHealthPolicy } from './dns-health-policy.ts';
import type { DnsHealthRecord } from './ports.ts';

export interface DnsTransition {
  domain: string;
  to: 'healthy' | 'failing';
  failing: string[];
}

const CHECKS: [keyof DomainDnsSummary, string][] = [
  ['passesMx', 'MX'],
  ['passesSpf', 'SPF'],
  ['passesDkim', 'DKIM'],
  ['passesDmarc', 'DMARC'],
];

/** The checks PurelyMail reports failing, e.g. ["MX", "DKIM"]. */
export const failingChecks = (summary: DomainDnsSummary): string[] => CHECKS.filter(([flag]) => !summary[flag]).map(([, name]) => name);

/**
 * The record after a PurelyMail recheck: status from its verdict, the backoff for failing domains, and the
 * transition to announce (healthy ↔ failing only; a new domain's first verdict is not news).
 */
export function applyRecheck(record: DnsHealthRecord, summary: DomainDnsSummary, now: Date, policy: DnsHealthPolicy, ceilingMinutes: number): { next: DnsHealthRecord; transition: DnsTransition | null } {
  const failing = failingChecks(summary);
  const status = failing.length ? 'failing' : 'healthy';
  const failingStreak = status === 'failing' ? record.failingStreak + 1 : 0;
  const at = now.toISOString();
  const next: DnsHealthRecord = {
    ...record,
    status,
    failingCount: failing.length,
    summary,
    lastCheckedAt: at,
    nextCheckAt: addMinutes(now, nextCheckDelayMinutes(status, failingStreak, policy, ceilingMinutes)),
    failingStreak,
    failingSince: status === 'failing' ? (record.failingSince ?? at) : null,
  };
  const changed = record.status !== 'unchecked' && record.status !== status;
  return { next, transition: changed ? { domain: record.domain, to: status, failing } : null };
}
