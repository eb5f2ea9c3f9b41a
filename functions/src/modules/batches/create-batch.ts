import type { Batch, BatchMode, BatchOrigin, Job, JobOptions } from '@app/shared';
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import { ValidationError } from '../errors.ts';
import type { ManageJobs } from '../migrations/manage-jobs.ts';
import { mapLimit, newBatchId } from './batch-ids.ts';
import type { BatchRecord, BatchStore } from './ports.ts';

export interface BatchRowInput {
  source: { serverId: string; user: string; password: string };
  dest: { serverId: string; user: string; password: string };
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

export const MAX_BATCH_JOBS = 2000;
const CONCURRENCY = 16;
const DEFAULT_OPTIONS: JobOptions = { includeFolders: [], excludeFolders: [], maxSizeBytes: null };
const jobName = (r: BatchRowInput) => `${r.source.user} → ${r.dest.user}`.slice(0, 200);

/**
 * Creates a batch of jobs, each with its passwords sealed on arrival (through the jobs use case).
 * 1. Write the batch item (open, round 1)
 * 2. Create the jobs without runs, 16 at a time; if one fails, delete those created and the batch, and rethrow
 * 3. Write the member items (BatchWrite, 25 per call) before any run exists, so a run that ends at once
 *    is already known to belong to the batch (no single-job email)
 * 4. Queue the first runs, if asked; a job whose run cannot be queued stays "not started" (logged).
 */
export function makeCreateBatch(deps: { store: BatchStore; jobs: Pick<ManageJobs, 'create' | 'start' | 'delete'>; clock: Clock; logger: Logger }) {
  return async (input: CreateBatchInput): Promise<{ batch: Batch; jobs: Job[] }> => {
    if (input.rows.length === 0) throw new ValidationError('A batch needs at least one job.');
    if (input.rows.length > MAX_BATCH_JOBS) throw new ValidationError(`A batch holds at most ${MAX_BATCH_JOBS} jobs.`);
    const now = deps.clock.now();
    const batch: BatchRecord = {
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
    await deps.store.create(batch);

    const created: Job[] = [];
    let ordered: Job[];
    try {
      ordered = await mapLimit(input.rows, CONCURRENCY, async (row) => {
        const { job } = await deps.jobs.create({ name: jobName(row), source: row.source, dest: row.dest, options: row.options ?? DEFAULT_OPTIONS, start: 'none' }, input.createdBy);
        created.push(job);
        return job;
      });
    } catch (err) {
      await mapLimit(created, CONCURRENCY, (j) => deps.jobs.delete(j.id).catch(() => undefined));
      await deps.store.delete(batch.id).catch(() => undefined);
      throw err;
    }
    const byId = new Map(ordered.map((j) => [j.id, { ...j, batchId: batch.id }]));
    await deps.store.addMembers(batch.id, [...byId.keys()]);

    if (input.start !== 'none') {
      const kind = input.start;
      await mapLimit([...byId.values()], CONCURRENCY, async (job) => {
        try {
          byId.set(job.id, { ...job, latestRun: await deps.jobs.start(job.id, kind, input.createdBy) });
        } catch (err) {
          deps.logger.warn('batch job not started', { batchId: batch.id, jobId: job.id, error: (err as Error).message });
        }
      });
    }
    const { version: _version, ...view } = batch;
    return { batch: view, jobs: [...byId.values()] };
  };
}
export type CreateBatch = ReturnType<typeof makeCreateBatch>;
