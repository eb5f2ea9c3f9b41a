import { randomBytes } from 'node:crypto';
import { canonicalAuditAction, oldAuditActionsMatching, type AuditEntry, type AuditPage, type AuditQuery, type PublicRequestCounts } from '@app/shared';
import type { Clock } from '../../platform/clock.ts';
import { ValidationError } from '../errors.ts';
import type { AuditStore } from './ports.ts';
import { auditCsv } from './audit-csv.ts';

export type AuditInput = Omit<AuditEntry, 'id' | 'at'> & { id?: string; at?: string };

let sequence = 0;
/**
 * Time-ordered unique id: sorts by creation time, then (within one millisecond, in one process) by creation
 * order, with a random suffix against collisions between processes.
 */
export const newAuditId = (at: Date): string =>
  `${at.getTime().toString(36).padStart(9, '0')}${(sequence++ % 0x1000000).toString(16).padStart(6, '0')}${randomBytes(4).toString('hex')}`;

const EXPORT_MAX_ROWS = 10_000;
const DAY_MS = 86_400_000;
/** How long audit entries are kept by default (AUDIT_RETENTION_DAYS): a year and a month, for yearly reviews. */
export const DEFAULT_AUDIT_RETENTION_DAYS = 400;

/**
 * The audit capability: append-only entries, filtered reads and CSV export, and the per-day counts of public
 * requests that are not worth an entry each. Entries and counts carry a TTL `retentionDays` after they were
 * written; DynamoDB removes them within a few days after that (nothing edits or deletes them before).
 */
export function makeAudit(deps: { store: AuditStore; clock: Clock; retentionDays?: number }) {
  const retentionDays = deps.retentionDays ?? DEFAULT_AUDIT_RETENTION_DAYS;
  const expiresAt = (at: Date) => Math.ceil((at.getTime() + retentionDays * DAY_MS) / 1000);
  const range = (q: Pick<AuditQuery, 'from' | 'to'>) => {
    const fromIso = q.from ? new Date(q.from).toISOString() : '0000';
    // A bare date as "to" means the whole day.
    const toIso = q.to ? new Date(q.to.length === 10 ? `${q.to}T23:59:59.999Z` : q.to).toISOString() : '9999';
    if (fromIso > toIso) throw new ValidationError('The start date is after the end date.', [{ path: 'from', message: 'is after the end date' }]);
    return { fromIso, toIso };
  };
  // An action filter finds entries under the current names and, through the alias table, under old ones.
  const filterOf = (q: AuditQuery) => ({
    actor: q.actor || undefined,
    ...(q.action ? { action: canonicalAuditAction(q.action), oldActions: oldAuditActionsMatching(q.action) } : {}),
    q: q.q || undefined,
    ...range(q),
  });

  return {
    async record(input: AuditInput): Promise<AuditEntry> {
      const now = deps.clock.now();
      const entry: AuditEntry = { ...input, id: input.id ?? newAuditId(now), at: input.at ?? now.toISOString() };
      await deps.store.append(entry, expiresAt(new Date(entry.at)));
      return entry;
    },
    retentionDays,
    /** Counts one public request instead of an entry, e.g. ('auth.login', 'refused 401'). */
    async countPublicRequest(action: string, outcome: string): Promise<void> {
      const now = deps.clock.now();
      await deps.store.countPublic(now.toISOString().slice(0, 10), `${action} ${outcome}`, expiresAt(now));
    },
    /** The last `days` days of counted public requests, newest first. */
    async publicRequestCounts(days = 7): Promise<PublicRequestCounts> {
      const today = deps.clock.now().getTime();
      const keys = Array.from({ length: days }, (_, i) => new Date(today - i * DAY_MS).toISOString().slice(0, 10));
      const found = await deps.store.publicCounts(keys);
      return {
        retentionDays,
        days: keys.map((day) => ({
          day,
          counts: Object.entries(found[day] ?? {})
            .map(([key, count]) => {
              const space = key.indexOf(' ');
              return { action: canonicalAuditAction(key.slice(0, space)), outcome: key.slice(space + 1), count };
            })
            .sort((a, b) => b.count - a.count || a.action.localeCompare(b.action)),
        })),
      };
    },
    async query(q: AuditQuery): Promise<AuditPage> {
      return deps.store.query(filterOf(q), q.limit, q.cursor);
    },
    /** The filtered view as CSV (capped), for the export button. */
    async exportCsv(q: AuditQuery): Promise<string> {
      const rows: AuditEntry[] = [];
      let cursor: string | undefined;
      do {
        const page = await deps.store.query(filterOf(q), 200, cursor);
        rows.push(...page.entries);
        cursor = page.nextCursor ?? undefined;
      } while (cursor && rows.length < EXPORT_MAX_ROWS);
      return auditCsv(rows.slice(0, EXPORT_MAX_ROWS));
    },
  };
}
export type Audit = ReturnType<typeof makeAudit>;
