import { isTerminalRunState, type Job, type Run } from '@app/shared';
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import type { MailSettingsModule } from '../notifications/mail-settings.ts';
import type { Notifier } from '../notifications/notifier.ts';
import { toRunView } from '../migrations/views.ts';
import { batchFinishedEmail, singleRunEmail } from './batch-emails.ts';
import { NotFoundError } from '../errors.ts';
import { countJobs, sumProgress, toBatchView, toJob } from './batch-views.ts';
import type { Emit } from '../events.ts';
import type { BatchEvents } from './events.ts';
import type { BatchJobReader, BatchRecord, BatchStore } from './ports.ts';

export interface FinishDeps {
  store: BatchStore;
  reader: BatchJobReader;
  load: (batchId: string) => Promise<{ batch: BatchRecord; jobs: Job[] }>;
  notify: Pick<Notifier, 'send'>;
  mailSettings: Pick<MailSettingsModule, 'get'>;
  clock: Clock;
  logger: Logger;
  panelUrl: string;
  /** MIGRATION_MAX_ATTEMPTS: an interrupted run below it is about to be retried automatically. */
  maxAttempts: number;
  /** BatchFinished (the api and the local runtime delete the batch's app passwords on it); absent: nobody listens. */
  emit?: Emit<BatchEvents>;
}

/** A batch and its jobs (each with its latest run), read in bulk; NotFoundError when the batch is gone. */
export function makeLoadBatch(deps: { store: BatchStore; reader: BatchJobReader }) {
  return async (batchId: string): Promise<{ batch: BatchRecord; jobs: Job[] }> => {
    const batch = await deps.store.get(batchId);
    if (!batch) throw new NotFoundError('There is no such batch.');
    const snapshots = await deps.reader.jobs(await deps.store.memberIds(batchId));
    const runs = new Map((await deps.reader.runs(snapshots.flatMap((j) => j.latestRunId ?? []))).map((r) => [r.id, r]));
    const jobs: Job[] = snapshots.map((j) => toJob(batchId, j, j.latestRunId ? runs.get(j.latestRunId) : undefined));
    return { batch, jobs };
  };
}

/** Ended for good: terminal, and not an interruption the engine is about to retry. */
export const settled = (run: Pick<Run, 'state' | 'retriedBy' | 'attempt'>, maxAttempts: number) =>
  isTerminalRunState(run.state) && !(run.state === 'interrupted' && !run.retriedBy && run.attempt < maxAttempts);

const isEmail = (s: string) => /^[^\s@]+@[^\s@]+$/.test(s);

/**
 * What happens when a run ends (called by the engine after every end, possibly more than once per run).
 * checkFinished: 1. Only an open batch  2. Every job's latest run has settled  3. Send the summary (the
 *   notifier sends once per event id and recipient, so a repeated trigger sends nothing more)
 *   4. The one conditional write open → finished of this round  5. Its winner tells BatchFinished.
 * onRunEnded: a run of a batch job checks its batch; a single job that failed notifies at once (and one that
 *   succeeded says so), never one that was cancelled.
 */
export function makeBatchFinish(deps: FinishDeps) {
  const recipients = async (launcher: string) => {
    if (!isEmail(launcher)) return undefined; // default: every admin plus the extra recipients
    const settings = await deps.mailSettings.get();
    return [launcher, ...settings.extraRecipients];
  };

  const checkFinished = async (batchId: string): Promise<void> => {
    const first = await deps.store.get(batchId);
    if (!first || first.state !== 'open') return;
    const { batch, jobs } = await deps.load(batchId);
    if (batch.state !== 'open' || jobs.length === 0) return;
    if (!jobs.every((j) => j.latestRun && settled(j.latestRun, deps.maxAttempts))) return;
    const view = toBatchView(batch);
    const counts = countJobs(jobs);
    const email = batchFinishedEmail(view, counts, sumProgress(jobs), jobs, deps.panelUrl);
    const to = await recipients(batch.createdBy);
    await deps.notify.send({ eventId: `batch:${batch.id}:finished${batch.round > 1 ? `:${batch.round}` : ''}`, ...email, ...(to ? { to } : {}) });
    const ended = { failedJobs: counts.failed + counts.interrupted, cancelledJobs: counts.cancelled };
    if (await deps.store.finish(batch.id, batch.round, deps.clock.now().toISOString(), ended)) {
      deps.logger.info('batch finished', { batchId: batch.id, round: batch.round, jobs: jobs.length });
      await deps.emit?.('BatchFinished', { batchId: batch.id, round: batch.round, jobIds: jobs.map((j) => j.id) });
    }
  };

  const onRunEnded = async (runId: string): Promise<void> => {
    const [record] = await deps.reader.runs([runId]);
    if (!record) return;
    const run = toRunView(record);
    if (!settled(run, deps.maxAttempts)) return;
    const batchId = await deps.store.batchOfJob(run.jobId);
    if (batchId) return checkFinished(batchId);
    if (run.state === 'cancelled') return;
    const [job] = await deps.reader.jobs([run.jobId]);
    if (!job || job.latestRunId !== run.id) return;
    const to = await recipients(job.createdBy);
    const eventId = run.state === 'succeeded' ? `run:${run.id}:finished` : `run:${run.id}:failed`;
    await deps.notify.send({ eventId, ...singleRunEmail(job, run, deps.panelUrl), ...(to ? { to } : {}) });
  };

  return {
    checkFinished,
    /** Never throws: the engine calls it on its own paths. */
    onRunEnded: (runId: string) => onRunEnded(runId).catch((err: unknown) => deps.logger.error('run end not observed', { runId, error: (err as Error).message })),
  };
}
export type BatchFinish = ReturnType<typeof makeBatchFinish>;
