import type { Batch, BatchMode, BatchOrigin, Job, JobOptions } from '@app/shared';
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import { ValidationError } from '../errors.ts';
import { newId } from '../migrations/ids.ts';
import type { ManageJobs } from '../migrations/manage-jobs.ts';
import { queuedRun } from '../migrations/queued-run.ts';
import type { JobQueue, JobRecord } from '../migrations/ports.ts';
import { toJobView } from '../migrations/views.ts';
import { mapLimit, newBatchId } from './batch-ids.ts';
import type { BatchRecord, BatchStore, BulkJobWriter } from './ports.ts';

export interface BatchRowInput {
  source: { serverId: string; user: string; password: string };
  /** No password: the job gets an app password on the destination mailbox (PurelyMail). */
  dest: { serverId: string; user: string; password?: string };
  options?: JobOptions;
}

export interface CreateBatchInput {
  name: string;
  origin: BatchOrigin;
  campaignId?: string;
  /** Admin email: the summary goes to them. */
  createdBy: string;
  rows: BatchRowInput[];
  /** First run queued for every job now (`none`: they wait for Start). */
  start: 'none' | 'dry' | 'full';
  /** What Start does later; default: `dry-first` when `start` is `dry`, else `full`. */
  mode?: BatchMode;
}

/**
 * Either the bulk path (`prepareMany` + `writer`: records sealed in memory, then BatchWrite) or the one-by-one
 * path (`create` per row, `delete` to undo), kept for callers that build job records themselves (campaigns).
 */
export type BatchJobMaker = Pick<ManageJobs, 'start'> & ({ prepareMany: ManageJobs['prepareMany'] } | Pick<ManageJobs, 'create' | 'delete'>);

export interface CreateBatchDeps {
  store: BatchStore;
  jobs: BatchJobMaker;
  writer?: BulkJobWriter;
  /** The run queue; without it (roots that only seal) first runs are queued one by one through the jobs use case. */
  queue?: JobQueue;
  clock: Clock;
  logger: Logger;
}

export const MAX_BATCH_JOBS = 2000;
const DEFAULT_OPTIONS: JobOptions = { includeFolders: [], excludeFolders: [], maxSizeBytes: null };
const jobName = (r: BatchRowInput) => `${r.source.user} → ${r.dest.user}`.slice(0, 200);

/**
 * Creates a batch of jobs in bulk (1,000 rows in a few seconds on dynalite, where one write costs ~10 ms).
 * 1. Seal every password bound to its new job id, checking each distinct server once (jobs use case)
 * 2. Build the first runs (queued, holding their job) when asked and a queue is at hand
 * 3. Write runs, jobs, the batch and its member items (25 per BatchWrite, overlapping): all ids are fresh,
 *    so no conditional write is needed; members exist before any run can end (no single-job email)
 * 4. Send the run ids to the queue (a run that cannot be sent is logged; the reconciler or Retry recovers it).
 *    Without a queue, first runs are queued one by one after step 3.
 */
function newBatch(input: CreateBatchInput, now: Date): BatchRecord {
  return {
    id: newBatchId(now),
    name: input.name.trim().slice(0, 200) || 'Batch',
    origin: input.origin,
    campaignId: input.campaignId ?? null,
    mode: input.mode ?? (input.start === 'dry' ? 'dry-first' : 'full'),
    createdAt: now.toISOString(),
    createdBy: input.createdBy,
    jobCount: input.rows.length,
    state: 'open',
    round: 1,
    finishedAt: null,
    version: 1,
  };
}

/** One job at a time through `create`; on a failure the jobs made so far and the batch are removed. */
async function createOneByOne(deps: CreateBatchDeps & { jobs: Pick<ManageJobs, 'start'> }, input: CreateBatchInput): Promise<{ batch: Batch; jobs: Job[] }> {
  const maker = deps.jobs as Pick<ManageJobs, 'start' | 'create' | 'delete'>;
  const batch = newBatch(input, deps.clock.now());
  await deps.store.create(batch);
  const created: Job[] = [];
  let ordered: Job[];
  try {
    ordered = await mapLimit(input.rows, 16, async (row) => {
      const { job } = await maker.create({ name: jobName(row), source: row.source, dest: row.dest, options: row.options ?? DEFAULT_OPTIONS, start: 'none' }, input.createdBy);
      created.push(job);
      return job;
    });
  } catch (err) {
    await mapLimit(created, 16, (j) => maker.delete(j.id).catch(() => undefined));
    await deps.store.delete(batch.id).catch(() => undefined);
    throw err;
  }
  const views = ordered.map((j) => ({ ...j, batchId: batch.id }));
  await deps.store.addMembers(batch.id, views.map((j) => j.id));
  const kind = input.start === 'none' ? undefined : input.start;
  if (kind) {
    await mapLimit(views, 16, async (view) => {
      try {
        Object.assign(view, { latestRun: await maker.start(view.id, kind, input.createdBy) });
      } catch (err) {
        deps.logger.warn('batch job not started', { batchId: batch.id, jobId: view.id, error: (err as Error).message });
      }
    });
  }
  const { version: _version, ...batchView } = batch;
  return { batch: batchView, jobs: views };
}

export function makeCreateBatch(deps: CreateBatchDeps) {
  return async (input: CreateBatchInput): Promise<{ batch: Batch; jobs: Job[] }> => {
    if (input.rows.length === 0) throw new ValidationError('A batch needs at least one job.');
    if (input.rows.length > MAX_BATCH_JOBS) throw new ValidationError(`A batch holds at most ${MAX_BATCH_JOBS} jobs.`);
    if (!('prepareMany' in deps.jobs) || !deps.writer) return createOneByOne(deps, input);
    const now = deps.clock.now();
    const records = await deps.jobs.prepareMany(
      input.rows.map((row) => ({ name: jobName(row), source: row.source, dest: row.dest, options: row.options ?? DEFAULT_OPTIONS })),
      input.createdBy,
    );
    const kind = input.start === 'none' ? undefined : input.start;
    const runs = kind && deps.queue ? records.map((job) => queuedRun(newId('run', now), job.id, kind, input.createdBy, now, undefined, job.destCredential)) : [];
    const jobs = runs.length ? records.map((job, i): JobRecord => ({ ...job, activeRunId: runs[i]!.id, latestRunId: runs[i]!.id })) : records;
    const batch = newBatch(input, now);
    // Nothing reads these items before the first run id is queued below, so the three writes may overlap.
    const writer = deps.writer;
    await Promise.all([runs.length ? writer.writeRuns(runs) : undefined, writer.writeJobs(jobs), deps.store.create(batch).then(() => deps.store.addMembers(batch.id, jobs.map((j) => j.id)))]);
    const { start: startOne } = deps.jobs;

    const views = jobs.map((j, i) => ({ ...toJobView(j, runs[i]), batchId: batch.id }));
    if (runs.length) {
      await mapLimit(runs, 32, (run) => deps.queue!.enqueue(run.id).catch((err: unknown) => deps.logger.error('batch run not queued', { batchId: batch.id, runId: run.id, error: (err as Error).message })));
    } else if (kind) {
      await mapLimit(views, 16, async (view) => {
        try {
          Object.assign(view, { latestRun: await startOne(view.id, kind, input.createdBy) });
        } catch (err) {
          deps.logger.warn('batch job not started', { batchId: batch.id, jobId: view.id, error: (err as Error).message });
        }
      });
    }
    const { version: _version, ...batchView } = batch;
    return { batch: batchView, jobs: views };
  };
}
export type CreateBatch = ReturnType<typeof makeCreateBatch>;
