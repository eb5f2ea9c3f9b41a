import { batchWriteAll } from './batch-all.ts';
import type { BulkJobWriter } from '../../modules/batches/ports.ts';
import type { JobRecord, RunRecord } from '../../modules/migrations/ports.ts';
import type { Table } from './table.ts';

// The same item layout as dynamodb-migration-job-store.ts and dynamodb-migration-run-store.ts (a test reads
// items written here back through those stores).
const jobItem = (j: JobRecord) => {
  const { activeRunId, latestRunId, ...rest } = j;
  return { pk: `MIGJOB#${j.id}`, sk: 'JOB', gsi1pk: 'MIGJOBS', gsi1sk: `${j.createdAt}#${j.id}`, ...rest, ...(activeRunId ? { activeRunId } : {}), ...(latestRunId ? { latestRunId } : {}) };
};
const runItem = (r: RunRecord) => ({ pk: `MIGRUN#${r.id}`, sk: 'RUN', gsi1pk: `MIGJOBRUNS#${r.jobId}`, gsi1sk: `${r.createdAt}#${r.id}`, ...r });

/**
 * New jobs and their first runs, 25 items per BatchWrite call, 4 calls in flight. Only for records with fresh
 * random ids (a batch's own): BatchWrite cannot be conditional, so it must never overwrite an existing item.
 */
export function createDynamoBatchJobWriter(table: Table): BulkJobWriter {
  const { doc, name: TableName } = table;
  return {
    writeJobs: (jobs) => batchWriteAll(doc, TableName, jobs.map((j) => ({ PutRequest: { Item: jobItem(j) } })), { concurrency: 4 }),
    writeRuns: (runs) => batchWriteAll(doc, TableName, runs.map((r) => ({ PutRequest: { Item: runItem(r) } })), { concurrency: 4 }),
  };
}
