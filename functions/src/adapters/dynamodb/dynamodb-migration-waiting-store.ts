import { DeleteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { WaitingRun, WaitingRunStore } from '../../modules/migrations/ports.ts';
import { itemReader, orNull } from './stored-item.ts';
import type { Table } from './table.ts';

const PK = 'MIGWAIT';
/** A waiting run: its id is the sort key; no lease key means it waits for a slot. */
const WaitingItem = z.object({ sk: z.string(), leaseKey: orNull(z.string()) }).transform((i): WaitingRun => ({ runId: i.sk, leaseKey: i.leaseKey }));

/**
 * The wait list: one small item per waiting run under one partition, sorted by run id (ids start with their
 * creation time), so "the oldest N" is one Query. Items are written and deleted by the dispatcher only.
 */
export function createDynamoMigrationWaitingStore(table: Table): WaitingRunStore {
  const { doc, name: TableName } = table;
  const waiting = itemReader(table, 'waiting run', WaitingItem);
  return {
    async add(run) {
      await doc.send(new PutCommand({ TableName, Item: { pk: PK, sk: run.runId, leaseKey: run.leaseKey } }));
    },
    async remove(runId) {
      await doc.send(new DeleteCommand({ TableName, Key: { pk: PK, sk: runId } }));
    },
    async oldest(limit) {
      const out = await doc.send(new QueryCommand({ TableName, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': PK }, Limit: limit, ConsistentRead: true }));
      return waiting.many(out.Items ?? []);
    },
  };
}
