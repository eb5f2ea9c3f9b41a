import { batchWriteAll } from './batch-all.ts';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type BatchWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { Batch } from '@app/shared';
import type { BatchRecord, BatchStore } from '../../modules/batches/ports.ts';
import { itemReader } from './stored-item.ts';
import { GSI1 } from './table-definition.ts';
import { queryAll } from './query-all.ts';
import { conditionalWrite } from './conditional-write.ts';
import { isConditionalCheckFailed, type Table } from './table.ts';

const key = (id: string) => ({ pk: `MIGBATCH#${id}`, sk: 'BATCH' });
const memberKey = (jobId: string) => ({ pk: `MIGBATCHJOB#${jobId}`, sk: 'MEMBER' });

/** A batch item: the batch as the API shows it, plus its version. */
const BatchItem = Batch.extend({ version: z.number().int() }) satisfies z.ZodType<BatchRecord>;
/** A member item: which batch a job is in. */
const MemberItem = z.object({ batchId: z.string(), jobId: z.string() });

/**
 * Batches: one item each (listed newest first through gsi1 MIGBATCHES), plus one member item per job
 * (pk MIGBATCHJOB#<jobId>: "which batch is this job in", gsi1 BATCH#<batchId>: "the jobs of a batch").
 */
export function createDynamoBatchStore(table: Table): BatchStore {
  const { doc, name: TableName } = table;
  const batches = itemReader(table, 'batch', BatchItem);
  const members = itemReader(table, 'batch member', MemberItem);
  // The member list reads the job ids only (a projection).
  const memberJobs = itemReader(table, 'batch member', MemberItem.pick({ jobId: true }));
  const writeAll = (requests: NonNullable<BatchWriteCommandInput['RequestItems']>[string]) => batchWriteAll(doc, TableName, requests);
  const store: BatchStore = {
    async create(b) {
      await doc.send(new PutCommand({ TableName, Item: { ...key(b.id), gsi1pk: 'MIGBATCHES', gsi1sk: `${b.createdAt}#${b.id}`, ...b }, ConditionExpression: 'attribute_not_exists(pk)' }));
    },
    async get(id) {
      const { Item } = await doc.send(new GetCommand({ TableName, Key: key(id), ConsistentRead: true }));
      return Item ? batches.one(Item) : undefined;
    },
    async list() {
      const items = await queryAll(doc, { TableName, IndexName: GSI1, KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': 'MIGBATCHES' }, ScanIndexForward: false });
      return batches.many(items);
    },
    finish(id, round, at, ended) {
      return conditionalWrite(() =>
        doc.send(
          new UpdateCommand({
            TableName,
            Key: key(id),
            UpdateExpression: 'SET #st = :fin, finishedAt = :at, failedJobs = :failed, cancelledJobs = :cancelled, #v = #v + :one',
            ConditionExpression: '#st = :open AND #round = :round',
            ExpressionAttributeNames: { '#st': 'state', '#round': 'round', '#v': 'version' },
            ExpressionAttributeValues: { ':fin': 'finished', ':open': 'open', ':round': round, ':at': at, ':failed': ended.failedJobs, ':cancelled': ended.cancelledJobs, ':one': 1 },
          }),
        ),
      );
    },
    async reopen(id) {
      try {
        const out = await doc.send(
          new UpdateCommand({
            TableName,
            Key: key(id),
            UpdateExpression: 'SET #st = :open, finishedAt = :null, #round = #round + :one, #v = #v + :one REMOVE failedJobs, cancelledJobs',
            ConditionExpression: '#st = :fin',
            ExpressionAttributeNames: { '#st': 'state', '#round': 'round', '#v': 'version' },
            ExpressionAttributeValues: { ':fin': 'finished', ':open': 'open', ':null': null, ':one': 1 },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return out.Attributes ? batches.one(out.Attributes).round : undefined;
      } catch (err) {
        if (isConditionalCheckFailed(err)) return undefined;
        throw err;
      }
    },
    async addMembers(batchId, jobIds) {
      // gsi1sk keeps the order of the rows (the CSV's), so the batch lists its jobs as they were given.
      await writeAll(jobIds.map((jobId, i) => ({ PutRequest: { Item: { ...memberKey(jobId), gsi1pk: `BATCH#${batchId}`, gsi1sk: `${String(i).padStart(5, '0')}#${jobId}`, batchId, jobId } } })));
    },
    async batchOfJob(jobId) {
      const { Item } = await doc.send(new GetCommand({ TableName, Key: memberKey(jobId), ConsistentRead: true }));
      return Item ? members.one(Item).batchId : undefined;
    },
    async memberIds(batchId) {
      const items = await queryAll(doc, { TableName, IndexName: GSI1, KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': `BATCH#${batchId}` }, ProjectionExpression: 'jobId' }, 200);
      return memberJobs.many(items).map((m) => m.jobId);
    },
    async removeMember(jobId) {
      await doc.send(new DeleteCommand({ TableName, Key: memberKey(jobId) }));
    },
    async delete(batchId) {
      // By key, so a member item that fails its schema goes too.
      const keys = await queryAll(doc, { TableName, IndexName: GSI1, KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': `BATCH#${batchId}` }, ProjectionExpression: 'pk, sk' }, 200);
      await writeAll(keys.map((k) => ({ DeleteRequest: { Key: { pk: k.pk, sk: k.sk } } })));
      await doc.send(new DeleteCommand({ TableName, Key: key(batchId) }));
    },
  };
  return store;
}
