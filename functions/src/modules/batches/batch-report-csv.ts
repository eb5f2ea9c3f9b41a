import type { Batch, BatchReportRow } from '@app/shared';

const HEADER = ['source_email', 'dest_email', 'state', 'run_kind', 'messages_transferred', 'bytes_transferred', 'verdict', 'error_class', 'cause', 'job_id'];

/**
 * One CSV cell, quoted when needed. A cell a spreadsheet would read as a formula (= + - @, tab, CR) gets a
 * leading apostrophe, so a crafted mailbox name or error line cannot run in Excel or Sheets.
 */
export function csvCell(value: string | number): string {
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The batch report: one row per mailbox, no secrets (jobs carry none to begin with). CRLF, as RFC 4180 says. */
export function batchReportCsv(_batch: Batch, rows: readonly BatchReportRow[]): string {
  const lines = [HEADER.join(',')];
  for (const r of rows) {
    lines.push([r.sourceUser, r.destUser, r.state, r.kind, r.messagesTransferred, r.bytesTransferred, r.verdict, r.exitClass ?? '', r.cause, r.jobId].map(csvCell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
