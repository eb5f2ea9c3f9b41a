import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { JobSyncSchedule } from '@app/shared';
import type { JobSyncStore } from '../../modules/job-sync/ports.ts';
import { conditionalWrite } from './conditional-write.ts';
import { queryAll } from './query-all.ts';
import { itemReader } from './stored-item.ts';
import type { Table } from './table.ts';

// Beside the job (same partition, MIGJOB#<id>): whoever may touch the job may touch its schedule, so the scheduled
// function's grant (MIGJOB#*) covers a firing without a new pattern. Only active schedules are in the index.
const key = (jobId: string) => ({ pk: `MIGJOB#${jobId}`, sk: 'SYNC' });
const LIST = 'JOBSYNCS';

/** A job's "keep in sync" schedule (sk SYNC beside its job), read back through its schema; writes conditional on `version`. */
export function createDynamoJobSyncStore(table: Table): JobSyncStore {
  const { doc, name: TableName } = table;
  const reader = itemReader(table, 'job sync schedule', JobSyncSchedule);
  const item = (s: JobSyncSchedule) => ({ ...key(s.jobId), ...(s.state === 'active' ? { gsi1pk: LIST, gsi1sk: s.jobId } : {}), ...s });
  return {
    async get(jobId) {
      const { Item } = await doc.send(new GetCommand({ TableName, Key: key(jobId), ConsistentRead: true }));
      return Item ? reader.one(Item) : undefined;
    },
    async listActive() {
      const items = await queryAll(doc, { TableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': LIST } });
      return reader.many(items);
    },
    create: (s) => conditionalWrite(() => doc.send(new PutCommand({ TableName, Item: item(s), ConditionExpression: 'attribute_not_exists(pk)' }))),
    replace: (next, expectedVersion) =>
      conditionalWrite(() => doc.send(new PutCommand({ TableName, Item: item(next), ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': expectedVersion } }))),
    async remove(jobId) {
      await doc.send(new DeleteCommand({ TableName, Key: key(jobId) }));
    },
  };
}
