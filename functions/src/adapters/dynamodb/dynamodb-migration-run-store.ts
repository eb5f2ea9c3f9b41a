import { batchWriteAll } from './batch-all.ts';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { DestCredential, RunKind, RunOutcome, RunProgress, RunState, runEventSources, runEventTarget } from '@app/shared';
import type { RunPatch, RunRecord, RunStore } from '../../modules/migrations/ports.ts';
import { itemReader, orNull } from './stored-item.ts';
import { GSI1 } from './table-definition.ts';
import { queryAll } from './query-all.ts';
import { conditionalWrite } from './conditional-write.ts';
import { isConditionalCheckFailed, type Table } from './table.ts';

const key = (id: string) => ({ pk: `MIGRUN#${id}`, sk: 'RUN' });

/**
 * A run item: the API's run plus the engine's fields. An absent attribute reads as its empty value (null, false, no
 * lines, no dispatch yet), as views.ts has always read it.
 */
export const RunItem = z.object({
  id: z.string(),
  jobId: z.string(),
  kind: RunKind,
  state: RunState,
  attempt: z.number().int(),
  retryOf: orNull(z.string()),
  retriedBy: orNull(z.string()),
  cancelRequested: z.boolean().default(false),
  createdAt: z.string(),
  createdBy: z.string(),
  startedAt: orNull(z.string()),
  endedAt: orNull(z.string()),
  heartbeatAt: orNull(z.string()),
  progress: orNull(RunProgress),
  outcome: orNull(RunOutcome),
  failureReason: orNull(z.string()),
  waitingReason: z.string().nullish(),
  version: z.number().int(),
  taskRef: orNull(z.string()),
  logTail: z.array(z.string()).default([]),
  dispatchAttempts: z.number().int().default(0),
  mailboxLease: z.string().nullish(),
  destCredential: DestCredential.nullish(),
}) satisfies z.ZodType<RunRecord>;

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
  const runs = itemReader(table, 'migration run', RunItem);
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
      return out.Attributes ? runs.one(out.Attributes) : undefined;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return undefined;
      throw err;
    }
  };
  return {
    async get(id) {
      const { Item } = await doc.send(new GetCommand({ TableName, Key: key(id), ConsistentRead: true }));
      return Item ? runs.one(Item) : undefined;
    },
    async listForJob(jobId) {
      const items = await queryAll(doc, { TableName, IndexName: GSI1, KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': `MIGJOBRUNS#${jobId}` }, ScanIndexForward: false });
      return runs.many(items);
    },
    async create(run) {
      return conditionalWrite(() => doc.send(new PutCommand({ TableName, Item: { ...key(run.id), gsi1pk: `MIGJOBRUNS#${run.jobId}`, gsi1sk: `${run.createdAt}#${run.id}`, ...run }, ConditionExpression: 'attribute_not_exists(pk)' })));
    },
    // The condition and the new state both come from the transitions table: no other change can be written.
    transition: (id, event, patch = {}) => update(id, runEventSources(event), { ...patch, state: runEventTarget(event) }),
    patch: (id, inStates, patch) => update(id, inStates, patch),
    async markRetried(id, retryRunId) {
      return conditionalWrite(() =>
        doc.send(
          new UpdateCommand({
            TableName,
            Key: key(id),
            UpdateExpression: 'SET retriedBy = :r, #version = #version + :one',
            ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(retriedBy) OR retriedBy = :null)',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':r': retryRunId, ':one': 1, ':null': null },
          }),
        ),
      );
    },
    async deleteForJob(jobId) {
      // By key, so a run whose item fails its schema goes too; unprocessed deletes are sent again: a run left
      // behind would outlive its job.
      const keys = await queryAll(doc, { TableName, IndexName: GSI1, KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': `MIGJOBRUNS#${jobId}` }, ProjectionExpression: 'pk, sk' });
      await batchWriteAll(doc, TableName, keys.map((k) => ({ DeleteRequest: { Key: { pk: k.pk, sk: k.sk } } })));
    },
  };
}
