import { batchGetAll } from './batch-all.ts';
import type { BatchJobReader, JobSnapshot } from '../../modules/batches/ports.ts';
import type { RunRecord } from '../../modules/migrations/ports.ts';
import type { Table } from './table.ts';

// Only these attributes are read: the sealed passwords (source.sealedPassword, dest.sealedPassword) never leave the table here.
const JOB_FIELDS = ['id', 'name', 'source.serverId', 'source.user', 'dest.serverId', 'dest.user', 'options', 'createdAt', 'createdBy', 'updatedAt', 'version', 'latestRunId', 'activeRunId'];
const RUN_FIELDS = ['id', 'jobId', 'kind', 'state', 'attempt', 'retryOf', 'retriedBy', 'cancelRequested', 'createdAt', 'createdBy', 'startedAt', 'endedAt', 'heartbeatAt', 'progress', 'outcome', 'failureReason', 'version'];

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
  return {
    async jobs(ids) {
      const unique = [...new Set(ids)];
      const items = await getAll(unique.map((id) => ({ pk: `MIGJOB#${id}`, sk: 'JOB' })), JOB_FIELDS);
      const jobs = items.map((i): JobSnapshot => {
        const j = i as unknown as JobSnapshot;
        return {
          id: j.id,
          name: j.name,
          source: { serverId: j.source.serverId, user: j.source.user, hasPassword: true },
          dest: { serverId: j.dest.serverId, user: j.dest.user, hasPassword: true },
          options: j.options,
          createdAt: j.createdAt,
          createdBy: j.createdBy,
          updatedAt: j.updatedAt,
          version: j.version,
          latestRunId: j.latestRunId ?? null,
          activeRunId: j.activeRunId ?? null,
        };
      });
      return ordered(unique, jobs);
    },
    async runs(ids) {
      const unique = [...new Set(ids)];
      const items = await getAll(unique.map((id) => ({ pk: `MIGRUN#${id}`, sk: 'RUN' })), RUN_FIELDS);
      return ordered(unique, items as unknown as RunRecord[]);
    },
  };
}
