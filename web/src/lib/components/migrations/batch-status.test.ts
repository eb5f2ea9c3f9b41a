import type { Job, Run } from '@app/shared';
import { describe, expect, it } from 'vitest';
import { batchPercent, batchStatus } from './batch-status.ts';

type Latest = Pick<Job, 'latestRun'>;
const job = (state: Run['state'] | null, done = 0, total: number | null = null): Latest => ({
  latestRun: state === null ? null : ({ state, progress: { currentFolder: null, folderIndex: 0, folderCount: null, messagesDone: done, messagesTotal: total, bytesDone: 0, bytesTotal: null } } as unknown as Run),
});

describe('batchStatus', () => {
  it('a finished batch whose only job failed is not a green "Finished"', () => {
    expect(batchStatus('finished', 1)).toEqual({ label: 'Finished with 1 failed', tone: 'danger' });
    expect(batchStatus('finished', 0)).toEqual({ label: 'Finished', tone: 'success' });
    expect(batchStatus('finished', 0, 2)).toEqual({ label: 'Finished with 2 cancelled', tone: 'warning' });
    expect(batchStatus('finished', null).tone).toBe('neutral');
    expect(batchStatus('open', null, 0, true).label).toBe('In progress');
  });
});

describe('batchPercent', () => {
  it('does not show 70 % when no job has ended', () => {
    // One of ten jobs is 70 % through; the others have not started (before: 70 %).
    const jobs = [job('running', 70, 100), ...Array.from({ length: 9 }, () => job(null))];
    expect(batchPercent(jobs)).toBe(7);
  });

  it('counts an ended job as done whatever its end, and reaches 100 only when all ended', () => {
    expect(batchPercent([job('failed'), job('succeeded')])).toBe(100);
    expect(batchPercent([job('failed'), job('queued')])).toBe(50);
    expect(batchPercent([job('running', 100, 100), job('succeeded')])).toBe(99);
    expect(batchPercent([job('running', 5, null)])).toBe(0);
    expect(batchPercent([])).toBe(0);
  });
});
