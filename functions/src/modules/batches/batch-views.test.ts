import type { Run, RunStats } from '@app/shared';
import { describe, expect, it } from 'vitest';
import { runFigures, verdictOf } from './batch-views.ts';

const stats = (over: Partial<RunStats> = {}): RunStats => ({
  transferred: 0, skipped: 0, bytesTransferred: 0, bytesSkipped: 0, foundInHost1NotInHost2: 0, reconnections1: 0, reconnections2: 0,
  errors: 0, foldersSynced: 8, foldersTotal: 8, transferTimeSec: 1, cpuSec: 1, verdictOk: true, ...over,
});
const run = (over: Partial<Run>, s: RunStats): Run => ({
  id: 'run_x', jobId: 'job_x', kind: 'full', state: 'succeeded', attempt: 1, retryOf: null, retriedBy: null, cancelRequested: false,
  createdAt: '', createdBy: 'a', startedAt: null, endedAt: null, heartbeatAt: null, progress: null, failureReason: null, version: 1,
  outcome: { exitClass: 'succeeded', exitCode: 0, signal: null, verdictOk: s.verdictOk, stats: s, errors: [], mostFrequentError: null },
  ...over,
});

describe('batch views tell what the run did', () => {
  it('a retry that copied the rest counts the mailbox total, not its own copies against it', () => {
    const r = run({ attempt: 2 }, stats({ transferred: 150, bytesTransferred: 86_000_000, skipped: 150, bytesSkipped: 14_700_000 }));
    expect(runFigures(r)).toMatchObject({ messagesDone: 300, bytesDone: 100_700_000, transferred: 150 });
  });

  it('a folder imapsync ignored is named; a dry run says what it would copy', () => {
    expect(verdictOf(run({}, stats({ verdictOk: false, ignoredFolders: ['Проекты'] })))).toBe('needs attention: not on the source, not copied: Проекты');
    const dry = stats({ dry: { wouldCopy: 303, wouldCopyBytes: 25_321_276, notSimulatedFolders: ['Sent'], notSimulatedMessages: 60 } });
    expect(verdictOf(run({ kind: 'dry' }, dry))).toBe('dry run: would copy 303 messages');
    expect(verdictOf(run({}, stats()))).toBe('sync looks good');
  });
});
