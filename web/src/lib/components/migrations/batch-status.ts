import { isTerminalRunState, type BatchCounts, type BatchState, type Job } from '@app/shared';

type Tone = 'neutral' | 'success' | 'warning' | 'danger' | 'info';

/**
 * A batch's state in words and colour. A finished batch is only green when every job succeeded; jobs that
 * failed (or were interrupted) make it "Finished with N failed" in the failure colour (issue 17: a batch whose
 * only job failed showed a green "Finished").
 * `failed`: jobs whose latest run failed or was interrupted; `cancelled`: cancelled ones; null when unknown.
 */
export function batchStatus(state: BatchState, failed: number | null, cancelled = 0, active = false): { label: string; tone: Tone } {
  if (state === 'open') return active ? { label: 'In progress', tone: 'info' } : { label: 'Open', tone: 'info' };
  if (failed === null) return { label: 'Finished', tone: 'neutral' };
  if (failed > 0) return { label: `Finished with ${failed} failed`, tone: 'danger' };
  if (cancelled > 0) return { label: `Finished with ${cancelled} cancelled`, tone: 'warning' };
  return { label: 'Finished', tone: 'success' };
}

export const failedOf = (c: BatchCounts): number => c.failed + c.interrupted;

/**
 * How far a batch is, 0–100, honestly: each job counts the same. An ended job (whatever its end) is done; a
 * running job counts its messages done of the total imapsync announced (nothing while it has announced none);
 * a queued or unstarted job counts nothing. 100 only when every job has ended. (Summing messages only over
 * the jobs that announced a total showed 70 % when no job had ended.)
 */
export function batchPercent(jobs: readonly Pick<Job, 'latestRun'>[]): number {
  if (jobs.length === 0) return 0;
  let done = 0;
  let ended = 0;
  for (const { latestRun: run } of jobs) {
    if (!run) continue;
    if (isTerminalRunState(run.state)) {
      done += 1;
      ended += 1;
    } else if (run.progress?.messagesTotal) {
      done += Math.min(1, run.progress.messagesDone / run.progress.messagesTotal);
    }
  }
  if (ended === jobs.length) return 100;
  return Math.min(99, Math.floor((done * 100) / jobs.length + 1e-9));
}
