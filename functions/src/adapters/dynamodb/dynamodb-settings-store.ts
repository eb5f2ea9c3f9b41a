import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Settings } from '@app/shared';
import { ConflictError } from '../../modules/errors.ts';
import type { SettingsStore } from '../../modules/settings/ports.ts';
import { isConditionalCheckFailed, type Table } from './table.ts';

export const SETTINGS_KEY = { pk: 'SETTINGS', sk: 'GLOBAL' };
const KEY = SETTINGS_KEY;

export const toSettings = (Item: Record<string, unknown>): Settings =>
  ({ creditAmber: Item.creditAmber, creditRed: Item.creditRed, deletionDelayHours: Item.deletionDelayHours, requireAdminMfa: Item.requireAdminMfa === true, version: Item.version }) as Settings;

export function createDynamoSettingsStore(table: Table): SettingsStore {
  const { doc, name: TableName } = table;
  return {
    async get() {
      const { Item } = await doc.send(new GetCommand({ TableName, Key: KEY, ConsistentRead: true }));
      return Item ? toSettings(Item) : undefined;
    },
    async save(settings, expectedVersion) {
      try {
        await doc.send(
          new PutCommand({
            TableName,
            Item: { ...KEY, ...settings },
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
