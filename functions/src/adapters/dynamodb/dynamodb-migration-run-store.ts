import { batchWriteAll } from './batch-all.ts';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RunState } from '@app/shared';
import type { RunPatch, RunRecord, RunStore } from '../../modules/migrations/ports.ts';
import { GSI1 } from './table-definition.ts';
import { queryAll } from './query-all.ts';
import { isConditionalCheckFailed, type Table } from './table.ts';

const key = (id: string) => ({ pk: `MIGRUN#${id}`, sk: 'RUN' });
const KEYS = new Set(['pk', 'sk', 'gsi1pk', 'gsi1sk']);

function toRun(item: Record<string, unknown>): RunRecord {
  return Object.fromEntries(Object.entries(item).filter(([k]) => !KEYS.has(k))) as unknown as RunRecord;
}

/** SET clauses for a patch; every write also bumps `version` so readers can tell records apart (ETag). */
function updateParts(patch: RunPatch & { state?: RunState }) {
  const names: Record<string, string> = { '#version': 'version' };
  const values: Record<string, unknown> = { ':one': 1 };
  const sets = ['#version = #version + :one'];
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    names[`#${k}`] = k;
    values[`:${k}`] = v;
    sets.push(`#${k} = :${k}`);
  }
  return { names, values, expr: `SET ${sets.join(', ')}` };
}

/** Runs: one item each, listed per job (newest first) through gsi1 (MIGJOBRUNS#<jobId>). */
export function createDynamoMigrationRunStore(table: Table): RunStore {
  const { doc, name: TableName } = table;
  const update = async (id: string, inStates: readonly RunState[], patch: RunPatch & { state?: RunState }): Promise<RunRecord | undefined> => {
    const p = updateParts(patch);
    const states = Object.fromEntries(inStates.map((s, i) => [`:from${i}`, s]));
    try {
      const out = await doc.send(
        new UpdateCommand({
          TableName,
          Key: key(id),
          UpdateExpression: p.expr,
          ConditionExpression: `#st IN (${Object.keys(states).join(', ')})`,
          ExpressionAttributeNames: { ...p.names, '#st': 'state' },
          ExpressionAttributeValues: { ...p.values, ...states },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes ? toRun(out.Attributes) : undefined;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return undefined;
      throw err;
    }
  };
  return {
    async get(id) {
      const { Item } = await doc.send(new GetCommand({ TableName, Key: key(id), ConsistentRead: true }));
      return Item ? toRun(Item) : undefined;
    },
    async listForJob(jobId) {
      const items = await queryAll(doc, { TableName, IndexName: GSI1, KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': `MIGJOBRUNS#${jobId}` }, ScanIndexForward: false });
      return items.map(toRun);
    },
    async create(run) {
      try {
        await doc.send(new PutCommand({ TableName, Item: { ...key(run.id), gsi1pk: `MIGJOBRUNS#${run.jobId}`, gsi1sk: `${run.createdAt}#${run.id}`, ...run }, ConditionExpression: 'attribute_not_exists(pk)' }));
        return true;
      } catch (err) {
        if (isConditionalCheckFailed(err)) return false;
        throw err;
      }
    },
    transition: (id, from, to, patch = {}) => update(id, from, { ...patch, state: to }),
    patch: (id, inStates, patch) => update(id, inStates, patch),
    async markRetried(id, retryRunId) {
      try {
        await doc.send(
          new UpdateCommand({
            TableName,
            Key: key(id),
            UpdateExpression: 'SET retriedBy = :r, #version = #version + :one',
            ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(retriedBy) OR retriedBy = :null)',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':r': retryRunId, ':one': 1, ':null': null },
          }),
        );
        return true;
      } catch (err) {
        if (isConditionalCheckFailed(err)) return false;
        throw err;
      }
    },
    async deleteForJob(jobId) {
      const runs = await this.listForJob(jobId);
      // Unprocessed deletes are sent again: a run left behind would outlive its job.
      await batchWriteAll(doc, TableName, runs.map((r) => ({ DeleteRequest: { Key: key(r.id) } })));
    },
  };
}
