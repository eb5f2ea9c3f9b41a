import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { DestCredential, JobOptions } from '@app/shared';
import type { JobRecord, JobStore } from '../../modules/migrations/ports.ts';
import { itemReader, orNull } from './stored-item.ts';
import { GSI1 } from './table-definition.ts';
import { queryAll } from './query-all.ts';
import { conditionalWrite } from './conditional-write.ts';
import type { Table } from './table.ts';

const key = (id: string) => ({ pk: `MIGJOB#${id}`, sk: 'JOB' });

const Endpoint = z.object({ serverId: z.string(), user: z.string(), sealedPassword: z.string() });
/** A job item (sealed passwords inside); "no run" is an absent attribute. */
export const JobItem = z.object({
  id: z.string(),
  name: z.string(),
  source: Endpoint,
  dest: Endpoint,
  options: JobOptions,
  createdAt: z.string(),
  createdBy: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
  latestRunId: orNull(z.string()),
  activeRunId: orNull(z.string()),
  destCredential: DestCredential.optional(),
}) satisfies z.ZodType<JobRecord>;

// "Held by nobody" is an absent attribute, so conditions read the same whether a run never existed or ended.
const heldBy = (runId: string | null) =>
  runId === null ? { expr: 'attribute_not_exists(activeRunId)', values: {} } : { expr: 'activeRunId = :held', values: { ':held': runId } };

/** Jobs: one item each (sealed passwords inside), listed newest first through gsi1 (MIGJOBS). */
export function createDynamoMigrationJobStore(table: Table): JobStore {
  const { doc, name: TableName } = table;
  const jobs = itemReader(table, 'migration job', JobItem);
  const item = (j: JobRecord) => {
    const { activeRunId, latestRunId, ...rest } = j;
    return { ...key(j.id), gsi1pk: 'MIGJOBS', gsi1sk: `${j.createdAt}#${j.id}`, ...rest, ...(activeRunId ? { activeRunId } : {}), ...(latestRunId ? { latestRunId } : {}) };
  };
  return {
    async list() {
      const items = await queryAll(doc, { TableName, IndexName: GSI1, KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': 'MIGJOBS' }, ScanIndexForward: false });
      return jobs.many(items);
    },
    async get(id) {
      const { Item } = await doc.send(new GetCommand({ TableName, Key: key(id), ConsistentRead: true }));
      return Item ? jobs.one(Item) : undefined;
    },
    async create(j) {
      await doc.send(new PutCommand({ TableName, Item: item(j), ConditionExpression: 'attribute_not_exists(pk)' }));
    },
    replace(j, expected) {
      const held = heldBy(expected.activeRunId);
      return conditionalWrite(() =>
        doc.send(new PutCommand({ TableName, Item: item(j), ConditionExpression: `#v = :v AND ${held.expr}`, ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': expected.version, ...held.values } })),
      );
    },
    claim(jobId, runId, staleRunId) {
      const held = heldBy(staleRunId);
      return conditionalWrite(() =>
        doc.send(
          new UpdateCommand({
            TableName,
            Key: key(jobId),
            UpdateExpression: 'SET activeRunId = :r, latestRunId = :r',
            ConditionExpression: `attribute_exists(pk) AND ${held.expr}`,
            ExpressionAttributeValues: { ':r': runId, ...held.values },
          }),
        ),
      );
    },
    async release(jobId, runId) {
      await conditionalWrite(() => doc.send(new UpdateCommand({ TableName, Key: key(jobId), UpdateExpression: 'REMOVE activeRunId', ConditionExpression: 'activeRunId = :r', ExpressionAttributeValues: { ':r': runId } })));
    },
    delete(jobId, expectedActiveRunId) {
      const held = heldBy(expectedActiveRunId);
      return conditionalWrite(() => doc.send(new DeleteCommand({ TableName, Key: key(jobId), ConditionExpression: held.expr, ...(expectedActiveRunId ? { ExpressionAttributeValues: held.values } : {}) })));
    },
  };
}
