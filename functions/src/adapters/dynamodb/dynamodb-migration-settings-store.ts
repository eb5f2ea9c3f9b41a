import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../../modules/errors.ts';
import * as z from 'zod';
import type { MigrationSettingsStore } from '../../modules/migrations/ports.ts';
import { itemReader } from './stored-item.ts';
import { isConditionalCheckFailed, type Table } from './table.ts';

const KEY = { pk: 'SETTINGS', sk: 'MIGRATIONS' };
const MigrationSettingsItem = z.object({ concurrency: z.number().int(), version: z.number().int() });

/** The migration settings item (concurrency limit), read by the dispatcher on every take: no restart needed. */
export function createDynamoMigrationSettingsStore(table: Table): MigrationSettingsStore {
  const { doc, name: TableName } = table;
  const settings = itemReader(table, 'migration settings', MigrationSettingsItem);
  return {
    async get() {
      const { Item } = await doc.send(new GetCommand({ TableName, Key: KEY, ConsistentRead: true }));
      return Item ? settings.one(Item) : undefined;
    },
    async save(value, expectedVersion) {
      try {
        await doc.send(
          new PutCommand({
            TableName,
            Item: { ...KEY, ...value },
            ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : '#v = :v',
            ...(expectedVersion === 0 ? {} : { ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': expectedVersion } }),
          }),
        );
      } catch (err) {
        if (isConditionalCheckFailed(err)) throw new ConflictError('Someone else changed the migration settings meanwhile. Reload and try again.', 'stale_version', { cause: err });
        throw err;
      }
    },
  };
}
