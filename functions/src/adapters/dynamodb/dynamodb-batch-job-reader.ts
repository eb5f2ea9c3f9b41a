import * as z from 'zod';
import type { Run } from '@app/shared';
import { batchGetAll } from './batch-all.ts';
import type { BatchJobReader, JobSnapshot } from '../../modules/batches/ports.ts';
import { RunItem } from './dynamodb-migration-run-store.ts';
import { JobItem } from './dynamodb-migration-job-store.ts';
import { itemReader } from './stored-item.ts';
import type { Table } from './table.ts';

// Only these attributes are read: the sealed passwords (source.sealedPassword, dest.sealedPassword) never leave the table here.
const JOB_FIELDS = ['id', 'name', 'source.serverId', 'source.user', 'dest.serverId', 'dest.user', 'options', 'createdAt', 'createdBy', 'updatedAt', 'version', 'latestRunId', 'activeRunId', 'destCredential'];
const RUN_FIELDS = ['id', 'jobId', 'kind', 'state', 'attempt', 'retryOf', 'retriedBy', 'cancelRequested', 'createdAt', 'createdBy', 'startedAt', 'endedAt', 'heartbeatAt', 'progress', 'outcome', 'failureReason', 'version', 'destCredential'];

const Endpoint = z.object({ serverId: z.string(), user: z.string() }).transform((e) => ({ ...e, hasPassword: true as const }));
/** A job item read through JOB_FIELDS: the job store's item without the sealed passwords. */
const JobSnapshotItem = JobItem.extend({ source: Endpoint, dest: Endpoint }).transform((j) => ({ ...j, destCredential: j.destCredential ?? { kind: 'typed' as const } })) satisfies z.ZodType<JobSnapshot>;
/** A run item read through RUN_FIELDS: the run as the API shows it, none of the engine's fields. */
const RunViewItem = RunItem.pick({
  id: true, jobId: true, kind: true, state: true, attempt: true, retryOf: true, retriedBy: true, cancelRequested: true, createdAt: true,
  createdBy: true, startedAt: true, endedAt: true, heartbeatAt: true, progress: true, outcome: true, failureReason: true, version: true, destCredential: true,
}) satisfies z.ZodType<Run>;

/** Every path segment as a placeholder (#name, #state, #user … are reserved words). */
function projection(fields: readonly string[]) {
  const names: Record<string, string> = {};
  const expr = fields.map((f) => f.split('.').map((seg) => ((names[`#${seg}`] = seg), `#${seg}`)).join('.')).join(', ');
  return { expr, names };
}

/** Jobs and runs by id for batch views: BatchGetItem, 100 keys per call, unprocessed keys asked again. */
export function createDynamoBatchJobReader(table: Table): BatchJobReader {
  const { doc, name: TableName } = table;
  const getAll = async (keys: Record<string, string>[], fields: readonly string[]) => {
    const { expr, names } = projection(fields);
    return batchGetAll(doc, TableName, keys, { ProjectionExpression: expr, ExpressionAttributeNames: names, ConsistentRead: true }, { concurrency: 8 });
  };
  const ordered = <T extends { id: string }>(ids: readonly string[], items: T[]) => {
    const byId = new Map(items.map((i) => [i.id, i]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  };
  const jobs = itemReader(table, 'migration job', JobSnapshotItem);
  const runs = itemReader(table, 'migration run', RunViewItem);
  return {
    async jobs(ids) {
      const unique = [...new Set(ids)];
      const items = await getAll(unique.map((id) => ({ pk: `MIGJOB#${id}`, sk: 'JOB' })), JOB_FIELDS);
      return ordered(unique, jobs.many(items));
    },
    async runs(ids) {
      const unique = [...new Set(ids)];
      const items = await getAll(unique.map((id) => ({ pk: `MIGRUN#${id}`, sk: 'RUN' })), RUN_FIELDS);
      return ordered(unique, runs.many(items));
    },
  };
}
