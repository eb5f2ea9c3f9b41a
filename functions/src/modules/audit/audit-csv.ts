import type { AuditEntry } from '@app/shared';
import { toCsv } from '@app/shared/csv-file';

const COLUMNS = ['at', 'actor', 'action', 'target', 'result', 'reason', 'ip', 'userAgent', 'details'] as const;

/** The audit export: one row per entry. Actors and targets can be attacker-chosen text, hence the formula guard. */
export function auditCsv(entries: readonly AuditEntry[]): Promise<string> {
  return toCsv(COLUMNS, entries.map((e) => COLUMNS.map((c) => e[c])));
}
