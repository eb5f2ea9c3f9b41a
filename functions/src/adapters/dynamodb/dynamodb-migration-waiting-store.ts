import { DeleteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { WaitingRun, WaitingRunStore } from '../../modules/migrations/ports.ts';
import type { Table } from './table.ts';

const PK = 'MIGWAIT';

/**
 * The wait list: one small item per waiting run under one partition, sorted by run id (ids start with their
 * creation time), so "the oldest N" is one Query. Items are written and deleted by the dispatcher only.
 */
export function createDynamoMigrationWaitingStore(table: Table): WaitingRunStore {
  const { doc, name: TableName } = table;
  return {
    async add(run) {
      await doc.send(new PutCommand({ TableName, Item: { pk: PK, sk: run.runId, leaseKey: run.leaseKey } }));
    },
    async remove(runId) {
      await doc.send(new DeleteCommand({ TableName, Key: { pk: PK, sk: runId } }));
    },
    async oldest(limit) {
      const out = await doc.send(new QueryCommand({ TableName, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': PK }, Limit: limit, ConsistentRead: true }));
      return (out.Items ?? []).map((i): WaitingRun => ({ runId: String(i.sk), leaseKey: typeof i.leaseKey === 'string' ? i.leaseKey : null }));
    },
  };
}
