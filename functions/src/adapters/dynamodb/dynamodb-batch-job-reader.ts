import { BatchGetCommand, type BatchGetCommandOutput } from './document-commands.ts';
import type { BatchJobReader, JobSnapshot } from '../../modules/batches/ports.ts';
import type { RunRecord } from '../../modules/migrations/ports.ts';
import type { Table } from './table.ts';

const chunks = <T>(xs: readonly T[], n: number): T[][] => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));

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
    const out: Record<string, unknown>[] = [];
    await Promise.all(
      chunks(keys, 100).map(async (chunk) => {
        let pending: Record<string, unknown>[] | undefined = chunk;
        for (let attempt = 0; pending?.length; attempt++) {
          if (attempt > 8) throw new Error('DynamoDB kept keys unprocessed in a batch read.');
          if (attempt) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
          const res: BatchGetCommandOutput = await doc.send(new BatchGetCommand({ RequestItems: { [TableName]: { Keys: pending, ProjectionExpression: expr, ExpressionAttributeNames: names, ConsistentRead: true } } }));
          out.push(...(res.Responses?.[TableName] ?? []));
          pending = res.UnprocessedKeys?.[TableName]?.Keys;
        }
      }),
    );
    return out;
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
