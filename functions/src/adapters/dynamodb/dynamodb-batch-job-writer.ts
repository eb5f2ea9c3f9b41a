import { BatchWriteCommand, type BatchWriteCommandInput, type BatchWriteCommandOutput } from './document-commands.ts';
import type { BulkJobWriter } from '../../modules/batches/ports.ts';
import type { JobRecord, RunRecord } from '../../modules/migrations/ports.ts';
import type { Table } from './table.ts';

type Requests = NonNullable<BatchWriteCommandInput['RequestItems']>[string];
const chunks = <T>(xs: readonly T[], n: number): T[][] => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));

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
  const writeAll = async (requests: Requests) => {
    const queue = chunks(requests, 25);
    const worker = async () => {
      for (let chunk = queue.shift(); chunk; chunk = queue.shift()) {
        let pending: Requests | undefined = chunk;
        for (let attempt = 0; pending?.length; attempt++) {
          if (attempt > 8) throw new Error('DynamoDB kept items unprocessed in a batch write.');
          if (attempt) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
          const out: BatchWriteCommandOutput = await doc.send(new BatchWriteCommand({ RequestItems: { [TableName]: pending } }));
          pending = out.UnprocessedItems?.[TableName];
        }
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
  };
  return {
    writeJobs: (jobs) => writeAll(jobs.map((j) => ({ PutRequest: { Item: jobItem(j) } }))),
    writeRuns: (runs) => writeAll(runs.map((r) => ({ PutRequest: { Item: runItem(r) } }))),
  };
}
