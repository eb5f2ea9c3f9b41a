import type { Logger } from '../../platform/logger.ts';
import type { Emit } from '../events.ts';
import type { MigrationEvents } from './events.ts';
import type { FinishRun } from './finish-run.ts';
import type { JobStore, MailboxLeaseStore, RunRecord, RunStore, SlotStore } from './ports.ts';
import type { QueueRun } from './queue-run.ts';

/** Id of the automatic retry of a run: deterministic, so two reporters of one crash queue one retry. */
export const autoRetryId = (run: Pick<RunRecord, 'id' | 'attempt'>) => `${run.id.replace(/-a\d+$/, '')}-a${run.attempt + 1}`;

/**
 * A run's worker is gone (the local child exited, ECS reported the task stopped, the heartbeat went stale).
 * 1. If the run had not recorded an end, it becomes interrupted (cancelled if a cancel was asked)
 * 2. Its slot, its mailbox lease and its job are released (idempotent)
 * 3. An interrupted run is retried automatically, once per run, up to `maxAttempts` in the chain;
 *    authentication and other failures are never retried automatically (they end as `failed`)
 * 4. RunEnded: the worker may have ended the run in its own process, which tells no one here.
 */
export function makeHandleWorkerGone(deps: { runs: RunStore; jobs: JobStore; slots: SlotStore; leases: MailboxLeaseStore; finishRun: FinishRun; queueRun: QueueRun; maxAttempts: number; logger: Logger; emit: Emit<MigrationEvents> }) {
  const retryIfInterrupted = async (runId: string, reason: string): Promise<RunRecord | undefined> => {
    const run = await deps.runs.get(runId);
    if (!run) return undefined;
    let final: RunRecord | undefined = run;
    if (run.state === 'starting' || run.state === 'running') {
      const cancelled = run.cancelRequested;
      final = (await deps.finishRun(run, cancelled ? 'workerGoneAfterCancel' : 'workerGone', { failureReason: cancelled ? null : reason })) ?? (await deps.runs.get(runId));
    } else if (run.state !== 'queued') {
      // Ended already (the worker recorded it): repeat its releases in case it died between the writes.
      // A queued run is left alone: a dispatcher may hold a slot for it right now.
      await deps.slots.release(runId);
      if (run.mailboxLease) await deps.leases.release(run.mailboxLease, runId);
      await deps.jobs.release(run.jobId, runId);
    }
    if (!final || final.state !== 'interrupted' || final.retriedBy || final.attempt >= deps.maxAttempts) return final;
    const job = await deps.jobs.get(final.jobId);
    if (!job) return final;
    const retryId = autoRetryId(final);
    if (!(await deps.runs.markRetried(final.id, retryId))) return final;
    try {
      await deps.queueRun(job, final.kind, { createdBy: 'automatic retry', retryOf: final, id: retryId });
      deps.logger.info('migration run retried automatically', { runId: final.id, retryRunId: retryId, attempt: final.attempt + 1 });
    } catch (err) {
      deps.logger.warn('automatic retry not queued', { runId: final.id, error: err });
    }
    return final;
  };
  return async (runId: string, reason: string): Promise<RunRecord | undefined> => {
    const final = await retryIfInterrupted(runId, reason);
    await deps.emit('RunEnded', { runId });
    return final;
  };
}
export type HandleWorkerGone = ReturnType<typeof makeHandleWorkerGone>;
