import type { BatchDetail, BatchList } from '@app/shared';
import type { ManageJobs } from '../migrations/manage-jobs.ts';
import { makeBatchAction } from './batch-actions.ts';
import { makeBatchFinish, makeLoadBatch, type FinishDeps } from './batch-finish.ts';
import { batchReportCsv } from './batch-report-csv.ts';
import { countJobs, reportRow, sumProgress, toBatchView } from './batch-views.ts';
import { makeCreateBatch } from './create-batch.ts';
import type { JobQueue } from '../migrations/ports.ts';
import type { BulkJobWriter } from './ports.ts';

/** What the batch-finish use case needs (it receives these deps, with the loader built here), plus the jobs, writes and queue. */
export interface BatchesDeps extends Omit<FinishDeps, 'load'> {
  /** The jobs use cases (sealing on create, one run at a time, conditional deletes). */
  jobs: Pick<ManageJobs, 'prepareMany' | 'start' | 'retry' | 'delete' | 'create'>;
  /** Bulk writes of a new batch's jobs and first runs. */
  writer: BulkJobWriter;
  /** The run queue (local root); without it first runs are queued one by one. */
  queue?: JobQueue;
  cancelRun: (runId: string) => Promise<unknown>;
}

/**
 * Batches of migration jobs (CSV imports and campaign launches): create, view, act on many jobs at once,
 * report, and one summary email when all of a batch's jobs have ended.
 *
 * @example
 * const { batch, jobs } = await deps.batches.create({
 *   name: 'Acme mailboxes', origin: 'campaign', campaignId: 'cmp_…', createdBy: 'admin@example.com',
 *   rows: [{ source: { serverId, user: 'ann@old.example', password }, dest: { serverId: pmId, user: 'ann@example.com', password: pw2 } }],
 *   start: 'dry',
 * });
 */
export function makeBatches(deps: BatchesDeps) {
  const load = makeLoadBatch(deps);
  const finish = makeBatchFinish({ ...deps, load });
  return {
    /** Seals every row's passwords, writes the jobs and their batch, and queues first runs if asked. */
    create: makeCreateBatch(deps),
    async list(): Promise<BatchList> {
      return { batches: (await deps.store.list()).map(toBatchView) };
    },
    async detail(batchId: string): Promise<BatchDetail> {
      const { batch, jobs } = await load(batchId);
      return { batch: toBatchView(batch), counts: countJobs(jobs), progress: sumProgress(jobs), jobs };
    },
    act: makeBatchAction({ store: deps.store, load, jobs: deps.jobs, cancelRun: deps.cancelRun, checkFinished: finish.checkFinished }),
    async reportCsv(batchId: string): Promise<{ name: string; csv: string }> {
      const { batch, jobs } = await load(batchId);
      return { name: batch.name, csv: await batchReportCsv(toBatchView(batch), jobs.map(reportRow)) };
    },
    /** The engine calls this after every run end (idempotent, never throws). */
    onRunEnded: finish.onRunEnded,
    checkFinished: finish.checkFinished,
  };
}
export type Batches = ReturnType<typeof makeBatches>;
export type { CreateBatchInput } from './create-batch.ts';
