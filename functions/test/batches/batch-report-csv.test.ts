import { describe, expect, it } from 'vitest';
import { batchReportCsv } from '../../src/modules/batches/batch-report-csv.ts';
import { settled } from '../../src/modules/batches/batch-finish.ts';

describe('batch report CSV', () => {
  it('writes one CRLF row per mailbox under a fixed header, every field quoted (the writer: shared/src/csv-file.ts)', async () => {
    const csv = await batchReportCsv({} as never, [
      { jobId: 'job_1', name: 'n', sourceUser: 'a@x.example', destUser: 'b@y.example', state: 'failed', kind: 'full', messagesTransferred: 3, bytesTransferred: 10, verdict: 'Source login failed', exitClass: 'auth_source', cause: 'Source login failed: wrong password, really' },
    ]);
    expect(csv).toBe(
      '"source_email","dest_email","state","run_kind","messages_transferred","bytes_transferred","verdict","error_class","cause","job_id"\r\n' +
        '"a@x.example","b@y.example","failed","full","3","10","Source login failed","auth_source","Source login failed: wrong password, really","job_1"\r\n',
    );
  });

  it('treats an interruption the engine will retry as not settled', () => {
    expect(settled({ state: 'interrupted', retriedBy: null, attempt: 1 }, 3)).toBe(false);
    expect(settled({ state: 'interrupted', retriedBy: null, attempt: 3 }, 3)).toBe(true);
    expect(settled({ state: 'failed', retriedBy: null, attempt: 1 }, 3)).toBe(true);
    expect(settled({ state: 'running', retriedBy: null, attempt: 1 }, 3)).toBe(false);
  });
});
