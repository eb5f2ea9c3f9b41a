import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../../modules/errors.ts';
import type { StoredMailSettings, MailSettingsStore } from '../../modules/notifications/mail-settings.ts';
import { isConditionalCheckFailed, type Table } from './table.ts';

const KEY = { pk: 'SETTINGS', sk: 'MAIL' };

/** Mail settings (sender, extra recipients): one item, written with optimistic locking on `version`. */
export function createDynamoNotificationSettingsStore(table: Table): MailSettingsStore {
  const { doc, name: TableName } = table;
  return {
    async get() {
      const { Item } = await doc.send(new GetCommand({ TableName, Key: KEY, ConsistentRead: true }));
      if (!Item) return undefined;
      return { from: (Item.from as string | null) ?? null, extraRecipients: (Item.extraRecipients as string[]) ?? [], version: Item.version as number };
    },
    async save(settings: StoredMailSettings, expectedVersion: number) {
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
        if (isConditionalCheckFailed(err)) throw new ConflictError('Someone else changed the mail settings meanwhile. Reload and try again.', 'stale_version', { cause: err });
        throw err;
      }
    },
  };
}
