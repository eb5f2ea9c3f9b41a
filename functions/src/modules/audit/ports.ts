import type { AuditEntry } from '@app/shared';

export interface AuditFilter {
  actor?: string;
  /** A prefix of the action name. */
  action?: string;
  /** Old action names (before the naming scheme) that match too. */
  oldActions?: readonly string[];
  /** Case-insensitive substring of the target. */
  q?: string;
  fromIso: string;
  toIso: string;
}

export interface AuditStore {
  /** Appends an entry, removed by TTL after `expiresAt` (epoch s); an entry whose id exists is not written again (idempotent retries). */
  append(entry: AuditEntry, expiresAt: number): Promise<void>;
  /** Counts one public request of `key` (`<action> <outcome>`) on `day` (YYYY-MM-DD, UTC), one atomic ADD. */
  countPublic(day: string, key: string, expiresAt: number): Promise<void>;
  /** The public request counts of these days (missing days: none). */
  publicCounts(days: readonly string[]): Promise<Record<string, Record<string, number>>>;
  /** Newest first, through the audit index; `cursor` is opaque. */
  query(filter: AuditFilter, limit: number, cursor?: string): Promise<{ entries: AuditEntry[]; nextCursor: string | null }>;
}
