import { describe, expect, it } from 'vitest';
import { batchReportCsv, csvCell } from '../../src/modules/batches/batch-report-csv.ts';
import { settled } from '../../src/modules/batches/batch-finish.ts';

describe('batch report CSV', () => {
  it('quotes commas, quotes and line breaks, and defuses spreadsheet formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell(-5)).toBe('-5'); // numbers stay numbers
  });

  it('writes one CRLF row per mailbox under a fixed header', () => {
    const csv = batchReportCsv({} as never, [
      { jobId: 'job_1', name: 'n', sourceUser: 'a@x.example', destUser: 'b@y.example', state: 'failed', kind: 'full', messagesTransferred: 3, bytesTransferred: 10, verdict: 'Source login failed', exitClass: 'auth_source', cause: 'Source login failed: wrong password, really' },
    ]);
    expect(csv).toBe(
      'source_email,dest_email,state,run_kind,messages_transferred,bytes_transferred,verdict,error_class,cause,job_id\r\n' +
        'a@x.example,b@y.example,failed,full,3,10,Source login failed,auth_source,"Source login failed: wrong password, really",job_1\r\n',
    );
  });

  it('treats an interruption the engine will retry as not settled', () => {
    expect(settled({ state: 'interrupted', retriedBy: null, attempt: 1 }, 3)).toBe(false);
    expect(settled({ state: 'interrupted', retriedBy: null, attempt: 3 }, 3)).toBe(true);
    expect(settled({ state: 'failed', retriedBy: null, attempt: 1 }, 3)).toBe(true);
    expect(settled({ state: 'running', retriedBy: null, attempt: 1 }, 3)).toBe(false);
  });
});
