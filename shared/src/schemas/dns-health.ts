import * as z from 'zod';
import { lazySchema } from '../lazy-schema.ts';
import { DomainDnsSummary } from './domain.ts';

export const DnsHealthStatus = lazySchema(() => z.enum(['unchecked', 'healthy', 'failing']));
export type DnsHealthStatus = z.infer<typeof DnsHealthStatus>;

/**
 * One domain's DNS health as the tiered rechecks see it. `status` follows PurelyMail's verdict;
 * `ownFailing` is what our own lookups found (free, so they run more often and escalate changes).
 */
export const DomainDnsHealth = lazySchema(() =>
  z.object({
    domain: z.string(),
    status: DnsHealthStatus,
    /** Records PurelyMail reports failing (0–4). */
    failingCount: z.number().int(),
    /** PurelyMail's verdict as of our last recheck. */
    summary: DomainDnsSummary.nullable(),
    /** Records our own lookups found failing; null before our first lookup. */
    ownFailing: z.number().int().nullable(),
    lastCheckedAt: z.string().nullable(),
    lastOwnCheckAt: z.string().nullable(),
    /** An admin's last "Re-check DNS now" (a PurelyMail recheck too); absent in records from before it was kept. */
    lastManualCheckAt: z.string().nullable().default(null),
    nextCheckAt: z.string(),
    /** Consecutive failing rechecks; drives the backoff. */
    failingStreak: z.number().int(),
    failingSince: z.string().nullable(),
    version: z.number().int(),
  }),
);
export type DomainDnsHealth = z.infer<typeof DomainDnsHealth>;

export const DnsHealthList = lazySchema(() => z.object({ domains: z.array(DomainDnsHealth) }));
export type DnsHealthList = z.infer<typeof DnsHealthList>;

/** How long a failing domain may wait between rechecks at most, once backed off. */
export const DnsHealthSettings = lazySchema(() => z.object({ failingCeilingMinutes: z.number().int(), version: z.number().int() }));
export type DnsHealthSettings = z.infer<typeof DnsHealthSettings>;

export const UpdateDnsHealthSettingsInput = lazySchema(() =>
  z.strictObject({
    failingCeilingMinutes: z.number().int().min(30, 'must be at least 30 minutes').max(24 * 60, 'must be at most 24 hours'),
    version: z.number().int(),
  }),
);
export type UpdateDnsHealthSettingsInput = z.infer<typeof UpdateDnsHealthSettingsInput>;
