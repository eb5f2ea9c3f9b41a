import { batchWriteAll } from './batch-all.ts';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type BatchWriteCommandInput } from './document-commands.ts';
import type { BatchRecord, BatchStore } from '../../modules/batches/ports.ts';
import { GSI1 } from './table-definition.ts';
import { queryAll } from './query-all.ts';
import { isConditionalCheckFailed, type Table } from './table.ts';

const key = (id: string) => ({ pk: `MIGBATCH#${id}`, sk: 'BATCH' });
const memberKey = (jobId: string) => ({ pk: `MIGBATCHJOB#${jobId}`, sk: 'MEMBER' });
const KEYS = new Set(['pk', 'sk', 'gsi1pk', 'gsi1sk']);
const toBatch = (item: Record<string, unknown>) => Object.fromEntries(Object.entries(item).filter(([k]) => !KEYS.has(k))) as unknown as BatchRecord;

/**
 * Batches: one item each (listed newest first through gsi1 MIGBATCHES), plus one member item per job
 * (pk MIGBATCHJOB#<jobId>: "which batch is this job in", gsi1 BATCH#<batchId>: "the jobs of a batch").
 */
export function createDynamoBatchStore(table: Table): BatchStore {
  const { doc, name: TableName } = table;
  const writeAll = (requests: NonNullable<BatchWriteCommandInput['RequestItems']>[string]) => batchWriteAll(doc, TableName, requests);
  const conditional = async (send: () => Promise<unknown>) => {
    try {
      await send();
      return true;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      throw err;
    }
  };
  const store: BatchStore = {
    async create(b) {
      await doc.send(new PutCommand({ TableName, Item: { ...key(b.id), gsi1pk: 'MIGBATCHES', gsi1sk: `${b.createdAt}#${b.id}`, ...b }, ConditionExpression: 'attribute_not_exists(pk)' }));
    },
    async get(id) {
      const { Item } = await doc.send(new GetCommand({ TableName, Key: key(id), ConsistentRead: true }));
      return Item ? toBatch(Item) : undefined;
    },
    async list() {
      const items = await queryAll(doc, { TableName, IndexName: GSI1, KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': 'MIGBATCHES' }, ScanIndexForward: false });
      return items.map(toBatch);
    },
    finish(id, round, at, ended) {
      return conditional(() =>
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
        return (out.Attributes as BatchRecord | undefined)?.round;
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
      return Item ? String(Item.batchId) : undefined;
    },
    async memberIds(batchId) {
      const items = await queryAll(doc, { TableName, IndexName: GSI1, KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': `BATCH#${batchId}` }, ProjectionExpression: 'jobId' }, 200);
      return items.map((i) => String(i.jobId));
    },
    async removeMember(jobId) {
      await doc.send(new DeleteCommand({ TableName, Key: memberKey(jobId) }));
    },
    async delete(batchId) {
      const ids = await store.memberIds(batchId);
      await writeAll(ids.map((jobId) => ({ DeleteRequest: { Key: memberKey(jobId) } })));
      await doc.send(new DeleteCommand({ TableName, Key: key(batchId) }));
    },
  };
  return store;
}
