import { isTerminalRunState, type BatchActionInput, type BatchActionResult, type Job, type RunKind } from '@app/shared';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import type { ManageJobs } from '../migrations/manage-jobs.ts';
import { mapLimit } from './batch-ids.ts';
import type { BatchRecord, BatchStore } from './ports.ts';

const CONCURRENCY = 16;
const QUEUES: ReadonlySet<string> = new Set(['start', 'dry', 'full', 'retry-failed']);
const FAILED = new Set(['failed', 'interrupted', 'cancelled']);
const inProgress = (j: Job) => j.latestRun !== null && !isTerminalRunState(j.latestRun.state);
// Our own errors carry sentences written for the admin; anything else is not shown as is.
const reasonOf = (err: unknown) => (err instanceof ConflictError || err instanceof NotFoundError || err instanceof ValidationError ? err.message : 'Internal error; see the server log.');

/**
 * One action on selected jobs of a batch.
 * 1. Load the batch and its jobs; ids not in the batch are skipped
 * 2. An action that queues runs reopens a finished batch (next round) before queuing, so the next
 *    "all ended" gives a new summary email
 * 3. Act per job, 16 at a time; a job the action does not apply to is skipped with the reason
 * 4. After deletions, check whether the remaining jobs have all ended.
 */
export function makeBatchAction(deps: {
  store: BatchStore;
  load: (batchId: string) => Promise<{ batch: BatchRecord; jobs: Job[] }>;
  jobs: Pick<ManageJobs, 'start' | 'retry' | 'delete'>;
  cancelRun: (runId: string) => Promise<unknown>;
  checkFinished: (batchId: string) => Promise<void>;
}) {
  return async (batchId: string, input: BatchActionInput, actor: string): Promise<BatchActionResult> => {
    const { batch, jobs } = await deps.load(batchId);
    const byId = new Map(jobs.map((j) => [j.id, j]));
    const result: BatchActionResult = { action: input.action, done: [], skipped: [] };
    const selected = [...new Set(input.jobIds)].flatMap((id) => {
      const job = byId.get(id);
      if (!job) result.skipped.push({ jobId: id, reason: 'Not in this batch.' });
      return job ? [job] : [];
    });
    if (QUEUES.has(input.action) && batch.state === 'finished') await deps.store.reopen(batch.id);
    const firstKind: RunKind = batch.mode === 'dry-first' ? 'dry' : 'full';

    const act = async (job: Job): Promise<string | undefined> => {
      const run = job.latestRun;
      switch (input.action) {
        case 'start':
          if (run) return 'Already started.';
          await deps.jobs.start(job.id, firstKind, actor);
          return;
        case 'dry':
        case 'full':
          if (inProgress(job)) return 'A run is in progress.';
          await deps.jobs.start(job.id, input.action, actor);
          return;
        case 'retry-failed':
          if (!run || !FAILED.has(run.state)) return 'Its last run did not fail.';
          await deps.jobs.retry(run.id, actor);
          return;
        case 'cancel':
          if (!run || !inProgress(job)) return 'Nothing is running.';
          await deps.cancelRun(run.id);
          return;
        case 'delete':
          if (inProgress(job)) return 'A run is in progress; cancel it first.';
          await deps.jobs.delete(job.id, actor);
          await deps.store.removeMember(job.id);
          return;
      }
    };
    await mapLimit(selected, CONCURRENCY, async (job) => {
      try {
        const skipped = await act(job);
        if (skipped) result.skipped.push({ jobId: job.id, reason: skipped });
        else result.done.push(job.id);
      } catch (err) {
        result.skipped.push({ jobId: job.id, reason: reasonOf(err) });
      }
    });
    if (input.action === 'delete' && result.done.length) await deps.checkFinished(batch.id);
    return result;
  };
}
