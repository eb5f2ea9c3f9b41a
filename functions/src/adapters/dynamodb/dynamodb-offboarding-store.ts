import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { Offboarding } from '@app/shared';
import type { OffboardingStore } from '../../modules/offboarding/ports.ts';
import { itemReader } from './stored-item.ts';
import { GSI1 } from './table-definition.ts';
import { queryAll } from './query-all.ts';
import { isConditionalCheckFailed, type Table } from './table.ts';

const key = (address: string) => ({ pk: `OFFBOARD#${address.trim().toLowerCase()}`, sk: 'OFFBOARD' });
const archivingKey = (address: string) => ({ pk: `OFFBOARD#${address.trim().toLowerCase()}`, sk: 'ARCHIVING' });
const ArchivingItem = z.object({ address: z.string(), jobId: z.string() });

/**
 * The latest off-boarding of each address: one item (OFFBOARD#<address>), checked against Offboarding when read. An
 * archive copy not yet settled has a second item beside it (sk ARCHIVING), listed through gsi1 (OFFBOARD_ARCHIVING).
 */
export function createDynamoOffboardingStore(table: Table): OffboardingStore {
  const { doc, name: TableName } = table;
  const reader = itemReader(table, 'off-boarding', Offboarding);
  const archivingReader = itemReader(table, 'off-boarding archive copy', ArchivingItem);
  return {
    async get(address) {
      const { Item } = await doc.send(new GetCommand({ TableName, Key: key(address), ConsistentRead: true }));
      return Item ? reader.one(Item) : undefined;
    },
    async begin(record, staleBefore) {
      try {
        await doc.send(
          new PutCommand({
            TableName,
            Item: { ...key(record.address), ...record },
            ConditionExpression: 'attribute_not_exists(pk) OR NOT (#s = :scheduled OR (#s = :running AND startedAt > :stale))',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':scheduled': 'scheduled', ':running': 'in_progress', ':stale': staleBefore },
          }),
        );
        return true;
      } catch (err) {
        if (isConditionalCheckFailed(err)) return false;
        throw err;
      }
    },
    async put(record) {
      await doc.send(new PutCommand({ TableName, Item: { ...key(record.address), ...record } }));
    },
    async markArchiving(address, jobId) {
      await doc.send(new PutCommand({ TableName, Item: { ...archivingKey(address), gsi1pk: 'OFFBOARD_ARCHIVING', gsi1sk: address.toLowerCase(), address, jobId } }));
    },
    async unmarkArchiving(address) {
      await doc.send(new DeleteCommand({ TableName, Key: archivingKey(address) }));
    },
    async listArchiving() {
      const items = await queryAll(doc, { TableName, IndexName: GSI1, KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': 'OFFBOARD_ARCHIVING' } });
      return archivingReader.many(items).map(({ address, jobId }) => ({ address, jobId }));
    },
  };
}
