import * as z from 'zod';
import { lazySchema } from '../lazy-schema.ts';

export const AuditResult = lazySchema(() => z.enum(['ok', 'failed']));
export type AuditResult = z.infer<typeof AuditResult>;

/** One audit entry. Append-only: no API route edits or deletes entries. Never holds a secret. */
export const AuditEntry = lazySchema(() =>
  z.object({
    id: z.string(),
    at: z.string(),
    actor: z.string(),
    action: z.string(),
    target: z.string(),
    result: AuditResult,
    reason: z.string().optional(),
    ip: z.string(),
    userAgent: z.string(),
    details: z.string().optional(),
  }),
);
export type AuditEntry = z.infer<typeof AuditEntry>;

/** The longest audit search (the page says so before asking). */
export const AUDIT_SEARCH_MAX = 200;

export const AuditQuery = lazySchema(() =>
  z.strictObject({
    actor: z.string().trim().max(254).optional(),
    action: z.string().trim().max(80).optional(),
    q: z.string().trim().max(AUDIT_SEARCH_MAX, `is too long (${AUDIT_SEARCH_MAX} characters at most)`).optional(),
    from: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
    to: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
    cursor: z.string().max(2000).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  }),
);
export type AuditQuery = z.infer<typeof AuditQuery>;

/**
 * Requests to the public routes (sign-in, setup, campaign links) that are counted per day instead of audited
 * one by one: refusals that name nothing real (unknown accounts, bad tokens, throttled, bad input) and campaign
 * page views. Anyone can send them, so one entry each would let an anonymous client fill the audit log.
 */
export const PublicRequestCounts = lazySchema(() =>
  z.object({
    days: z.array(z.object({ day: z.string(), counts: z.array(z.object({ action: z.string(), outcome: z.string(), count: z.number().int() })) })),
    /** Audit entries (and these counts) are kept this many days, then removed by the table's TTL. */
    retentionDays: z.number().int(),
  }),
);
export type PublicRequestCounts = z.infer<typeof PublicRequestCounts>;

export const AuditPage = lazySchema(() => z.object({ entries: z.array(AuditEntry), nextCursor: z.string().nullable() }));
export type AuditPage = z.infer<typeof AuditPage>;
