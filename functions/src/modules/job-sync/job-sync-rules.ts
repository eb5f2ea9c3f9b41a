import { isTerminalRunState, JOB_SYNC_MAX_DAYS, type JobSyncSchedule, type Run } from '@app/shared';

const DAY = 86_400_000;

/** The schedule's name: one per job (EventBridge allows 64 of [0-9A-Za-z._-]; job ids are short and of those). */
export const syncScheduleName = (jobId: string) => `sync-${jobId}`.slice(0, 64);

/** Why `until` cannot be used, or null: it must lie in the future, at most JOB_SYNC_MAX_DAYS ahead. */
export function untilProblem(until: Date, now: Date): string | null {
  if (Number.isNaN(until.getTime())) return 'must be a date and time';
  if (until.getTime() <= now.getTime()) return 'must be in the future';
  if (until.getTime() - now.getTime() > JOB_SYNC_MAX_DAYS * DAY) return `must be at most ${JOB_SYNC_MAX_DAYS} days ahead`;
  return null;
}

export type SyncCount = { schedule: JobSyncSchedule; counted: boolean; stoppedNow: boolean };

/**
 * Counts the run the schedule waits for once it ended: a success resets the failures in a row, a failure adds one,
 * and `stopAfterFailures` of them stop the schedule (the caller removes it and emails the admins). An interrupted
 * run retried automatically is followed to its retry. Idempotent: an uncounted or unrelated run changes nothing.
 */
export function countSyncRun(s: JobSyncSchedule, run: Run | undefined, now: Date): SyncCount {
  if (!run || s.currentRunId !== run.id || !isTerminalRunState(run.state)) return { schedule: s, counted: false, stoppedNow: false };
  if (run.state === 'interrupted' && run.retriedBy) return { schedule: { ...s, currentRunId: run.retriedBy }, counted: false, stoppedNow: false };
  const failed = run.state !== 'succeeded';
  const failures = failed ? s.consecutiveFailures + 1 : 0;
  const stoppedNow = failed && s.state === 'active' && failures >= s.stopAfterFailures;
  const why = run.failureReason ?? run.outcome?.mostFrequentError ?? `the run ended ${run.state}`;
  return {
    counted: true,
    stoppedNow,
    schedule: {
      ...s,
      currentRunId: null,
      lastRun: { runId: run.id, state: run.state, endedAt: run.endedAt },
      consecutiveFailures: failures,
      ...(stoppedNow
        ? { state: 'stopped' as const, nextAt: null, stoppedAt: now.toISOString(), stoppedReason: `Stopped after ${failures} failed passes in a row; the last one (run ${run.id}) said: ${why}` }
        : {}),
    },
  };
}

/** Past `until`, an active schedule has ended (EventBridge stops firing at its EndDate; the local one drops it). */
export function endIfPast(s: JobSyncSchedule, now: Date): JobSyncSchedule {
  if (s.state !== 'active' || Date.parse(s.until) > now.getTime()) return s;
  return { ...s, state: 'ended', nextAt: null, stoppedAt: s.until, stoppedReason: `Ended as planned on ${s.until}.` };
}
