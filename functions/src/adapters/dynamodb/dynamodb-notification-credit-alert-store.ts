import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { CreditLevel } from '@app/shared';
import type { CreditAlertStore } from '../../modules/notifications/check-credit.ts';
import { itemReader } from './stored-item.ts';
import { conditionalWrite } from './conditional-write.ts';
import type { Table } from './table.ts';

const KEY = { pk: 'NOTIFY_STATE', sk: 'CREDIT' };
const CreditAlertItem = z.object({ level: CreditLevel, version: z.number().int() });

/** The credit level last notified: one item, moved by a conditional write on `version`. */
export function createDynamoCreditAlertStore(table: Table): CreditAlertStore {
  const { doc, name: TableName } = table;
  const alerts = itemReader(table, 'credit alert state', CreditAlertItem);
  return {
    async get() {
      const { Item } = await doc.send(new GetCommand({ TableName, Key: KEY, ConsistentRead: true }));
      return Item ? alerts.one(Item) : undefined;
    },
    async set(level, expectedVersion) {
      return conditionalWrite(() =>
        doc.send(
          new PutCommand({
            TableName,
            Item: { ...KEY, level, version: expectedVersion + 1 },
            ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : '#v = :v',
            ...(expectedVersion === 0 ? {} : { ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': expectedVersion } }),
          }),
        ),
      );
    },
  };
}
