import type { DnsHealthStatus } from '@app/shared';

/** Cadences of the tiered rechecks. Only PurelyMail rechecks cost API calls; our own lookups are free. */
export interface DnsHealthPolicy {
  /** At most this many PurelyMail rechecks per tier run (one updateDomainSettings each, plus one listDomains). */
  batch: number;
  /** First retry of a failing domain; doubles per consecutive failing recheck up to the ceiling setting. */
  failingFirstMinutes: number;
  /** Healthy domains are rechecked by PurelyMail this often. */
  healthyMinutes: number;
  /** Our own lookups for every domain this often; a change escalates the domain to a PurelyMail recheck. */
  ownCheckMinutes: number;
}

export const DEFAULT_DNS_HEALTH_POLICY: DnsHealthPolicy = { batch: 10, failingFirstMinutes: 30, healthyMinutes: 24 * 60, ownCheckMinutes: 20 };
export const DEFAULT_FAILING_CEILING_MINUTES = 6 * 60;

/** Minutes until the next PurelyMail recheck after one that ended in `status` (streak counts this one). */
export function nextCheckDelayMinutes(status: Exclude<DnsHealthStatus, 'unchecked'>, failingStreak: number, policy: DnsHealthPolicy, ceilingMinutes: number): number {
  if (status === 'healthy') return policy.healthyMinutes;
  const backoff = policy.failingFirstMinutes * 2 ** Math.max(0, failingStreak - 1);
  return Math.min(backoff, Math.max(ceilingMinutes, policy.failingFirstMinutes));
}

export const addMinutes = (at: Date, minutes: number): string => new Date(at.getTime() + minutes * 60_000).toISOString();

/** Which tier a domain is in now, for tier-filtered runs. */
export const tierOf = (status: DnsHealthStatus): 'new' | 'failing' | 'healthy' => (status === 'unchecked' ? 'new' : status);
