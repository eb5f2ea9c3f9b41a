import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { Offboarding } from '@app/shared';
import type { OffboardingStore } from '../../modules/offboarding/ports.ts';
import { itemReader } from './stored-item.ts';
import { isConditionalCheckFailed, type Table } from './table.ts';

const key = (address: string) => ({ pk: `OFFBOARD#${address.trim().toLowerCase()}`, sk: 'OFFBOARD' });

/** The latest off-boarding of each address: one item (OFFBOARD#<address>), checked against Offboarding when read. */
export function createDynamoOffboardingStore(table: Table): OffboardingStore {
  const { doc, name: TableName } = table;
  const reader = itemReader(table, 'off-boarding', Offboarding);
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
  };
}
