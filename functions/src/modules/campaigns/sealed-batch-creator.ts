import type { JobOptions } from '@app/shared';
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import { makeCreateBatch } from '../batches/create-batch.ts';
import type { BatchStore } from '../batches/ports.ts';
import { ValidationError } from '../errors.ts';
import type { ManageJobs } from '../migrations/manage-jobs.ts';
import type { JobRecord, JobStore, ServerStore } from '../migrations/ports.ts';
import { toJobView } from '../migrations/views.ts';
import type { BatchCreator } from './ports.ts';

const DEFAULT_OPTIONS: JobOptions = { includeFolders: [], excludeFolders: [], maxSizeBytes: null };

/**
 * The batch module's create, fed with sealed rows. Its flow stays the one place that writes a batch, its
 * members and first runs; only "create a job" differs: instead of sealing a plaintext password, the job is
 * written under the id its blobs are already bound to. Each row travels through the batch flow as an opaque
 * row reference in the password fields (never a secret), resolved back to the sealed row here.
 */
export function makeSealedBatchCreator(deps: { batchStore: BatchStore; jobs: JobStore; servers: Pick<ServerStore, 'get'>; manageJobs: Pick<ManageJobs, 'start' | 'delete'>; clock: Clock; logger: Logger }): BatchCreator {
  return {
    async create(input) {
      const rows = new Map(input.rows.map((r, i) => [`row-ref-${i}`, r]));
      for (const id of new Set(input.rows.flatMap((r) => [r.source.serverId, r.dest.serverId]))) {
        if (!(await deps.servers.get(id))) throw new ValidationError('A server of this campaign no longer exists.', [{ path: 'serverId', message: 'is not a saved server' }]);
      }
      const createBatch = makeCreateBatch({
        store: deps.batchStore,
        clock: deps.clock,
        logger: deps.logger,
        jobs: {
          start: deps.manageJobs.start,
          delete: deps.manageJobs.delete,
          async create(job, actor) {
            const row = rows.get(job.source.password)!;
            const now = deps.clock.now().toISOString();
            const record: JobRecord = {
              id: row.jobId,
              name: job.name,
              source: row.source,
              dest: row.dest,
              destCredential: row.destCredential ?? { kind: 'typed' },
              options: row.options ?? DEFAULT_OPTIONS,
              createdAt: now,
              createdBy: actor,
              updatedAt: now,
              version: 1,
              latestRunId: null,
              activeRunId: null,
            };
            await deps.jobs.create(record);
            return { job: toJobView(record, undefined), runs: [] };
          },
        },
      });
      return createBatch({
        name: input.name,
        origin: input.origin,
        campaignId: input.campaignId,
        createdBy: input.createdBy,
        start: input.start,
        rows: [...rows].map(([ref, r]) => ({ source: { serverId: r.source.serverId, user: r.source.user, password: ref }, dest: { serverId: r.dest.serverId, user: r.dest.user, password: ref }, options: r.options })),
      });
    },
  };
}
