import type { AuditEntry } from '@app/shared';

export interface AuditFilter {
  actor?: string;
  action?: string;
  /** Case-insensitive substring of the target. */
  q?: string;
  fromIso: string;
  toIso: string;
}

export interface AuditStore {
  /** Appends an entry; an entry with an id that already exists is not written again (idempotent retries). */
  append(entry: AuditEntry): Promise<void>;
  /** Newest first, through the audit index; `cursor` is opaque. */
  query(filter: AuditFilter, limit: number, cursor?: string): Promise<{ entries: AuditEntry[]; nextCursor: string | null }>;
}
