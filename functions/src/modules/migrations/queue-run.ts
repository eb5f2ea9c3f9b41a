import { isTerminalRunState, type RunKind } from '@app/shared';
import type { Clock } from '../../platform/clock.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { newId } from './ids.ts';
import { queuedRun } from './queued-run.ts';
import type { JobQueue, JobRecord, JobStore, RunRecord, RunStore } from './ports.ts';

export interface QueueRunOptions {
  createdBy: string;
  /** The run this one retries (attempt + 1). */
  retryOf?: RunRecord;
  /** A deterministic id (automatic retries), so a repeated attempt cannot create a second run. */
  id?: string;
}

/**
 * Queues a new run of a job.
 * 1. Refuse while another run of the job is not finished (one run per job at a time)
 * 2. Claim the job for the new run (conditional on who held it)  3. Write the run as queued
 * 4. Send its id to the queue; if that fails, the run fails at once and the job is released.
 */
export function makeQueueRun(deps: { jobs: JobStore; runs: RunStore; queue: JobQueue; clock: Clock }) {
  /** Refuses while the holder of the job is a run that has not ended. */
  const assertNoActiveRun = async (holder: string | null) => {
    if (!holder) return;
    const active = await deps.runs.get(holder);
    if (active && !isTerminalRunState(active.state)) throw new ConflictError('This job already has a run in progress; cancel it or wait for it to end.', 'job_running');
  };
  /**
   * Claims the job, conditional on its holder. Tried twice: a run that just ended lets go of its job a moment
   * after it shows as ended, which fails the first condition although the job is idle all along.
   */
  const claim = async (job: JobRecord, id: string) => {
    let holder = job.activeRunId;
    for (let attempt = 1; ; attempt++) {
      if (await deps.jobs.claim(job.id, id, holder)) return;
      if (attempt === 2) throw new ConflictError('This job was started or changed meanwhile. Reload and try again.', 'job_running');
      const current = await deps.jobs.get(job.id);
      if (!current) throw new NotFoundError('There is no such job.');
      await assertNoActiveRun(current.activeRunId);
      holder = current.activeRunId;
    }
  };

  return async (job: JobRecord, kind: RunKind, opts: QueueRunOptions): Promise<RunRecord> => {
    await assertNoActiveRun(job.activeRunId);
    const now = deps.clock.now();
    const id = opts.id ?? newId('run', now);
    await claim(job, id);
    const run = queuedRun(id, job.id, kind, opts.createdBy, now, opts.retryOf, job.destCredential);
    if (!(await deps.runs.create(run))) {
      await deps.jobs.release(job.id, id);
      throw new ConflictError('This run was already queued.', 'duplicate_run');
    }
    try {
      await deps.queue.enqueue(id);
    } catch (err) {
      await deps.runs.transition(id, 'queueUnreachable', { endedAt: deps.clock.now().toISOString(), failureReason: 'The job queue could not be reached; nothing was started.' });
      await deps.jobs.release(job.id, id);
      throw new ConflictError('The job queue could not be reached; nothing was started. Try again in a minute.', 'queue_unavailable', { cause: err });
    }
    return run;
  };
}
export type QueueRun = ReturnType<typeof makeQueueRun>;
