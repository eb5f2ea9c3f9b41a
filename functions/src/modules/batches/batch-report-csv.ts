import type { Batch, BatchReportRow } from '@app/shared';
import { toCsv } from '@app/shared/csv-file';

const HEADER = ['source_email', 'dest_email', 'state', 'run_kind', 'messages_transferred', 'bytes_transferred', 'verdict', 'error_class', 'cause', 'job_id'];

/** The batch report: one row per mailbox, no secrets (jobs carry none to begin with). Mailbox names and error lines are guarded against formulas. */
export function batchReportCsv(_batch: Batch, rows: readonly BatchReportRow[]): Promise<string> {
  return toCsv(
    HEADER,
    rows.map((r) => [r.sourceUser, r.destUser, r.state, r.kind, r.messagesTransferred, r.bytesTransferred, r.verdict, r.exitClass ?? '', r.cause, r.jobId]),
  );
}
