import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { Settings } from '@app/shared';
import { ConflictError } from '../../modules/errors.ts';
import type { SettingsStore } from '../../modules/settings/ports.ts';
import { itemReader } from './stored-item.ts';
import { isConditionalCheckFailed, type Table } from './table.ts';

export const SETTINGS_KEY = { pk: 'SETTINGS', sk: 'GLOBAL' };
const KEY = SETTINGS_KEY;

/** The settings item; items saved before the 2FA requirement existed lack it (off). */
export const SettingsItem = Settings.extend({ requireAdminMfa: z.boolean().default(false) }) satisfies z.ZodType<Settings>;

export function createDynamoSettingsStore(table: Table): SettingsStore {
  const { doc, name: TableName } = table;
  const settings = itemReader(table, 'panel settings', SettingsItem);
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
        if (isConditionalCheckFailed(err)) {
          throw new ConflictError('Someone else changed the settings meanwhile. Reload and try again.', 'stale_version', { cause: err });
        }
        throw err;
      }
    },
  };
}
