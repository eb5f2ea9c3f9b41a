import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SetupTokenStore } from '../../modules/auth/ports.ts';
import { conditionalWrite } from './conditional-write.ts';
import { ttlSeconds, type Table } from './table.ts';

const KEY = { pk: 'SETUP', sk: 'TOKEN' };

export function createDynamoSetupTokenStore(table: Table): SetupTokenStore {
  const { doc, name: TableName } = table;
  return {
    async put(tokenHash, expiresAt) {
      await doc.send(new PutCommand({ TableName, Item: { ...KEY, tokenHash, validUntil: expiresAt.toISOString(), expiresAt: ttlSeconds(expiresAt) } }));
    },
    async consume(tokenHash, now) {
      return conditionalWrite(() =>
        doc.send(
          new DeleteCommand({
            TableName,
            Key: KEY,
            ConditionExpression: 'tokenHash = :h AND validUntil > :now',
            ExpressionAttributeValues: { ':h': tokenHash, ':now': now.toISOString() },
          }),
        ),
      );
    },
  };
}
