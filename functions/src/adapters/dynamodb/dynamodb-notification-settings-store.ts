import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../../modules/errors.ts';
import * as z from 'zod';
import type { StoredMailSettings, MailSettingsStore } from '../../modules/notifications/mail-settings.ts';
import { itemReader, orNull } from './stored-item.ts';
import { isConditionalCheckFailed, type Table } from './table.ts';

const KEY = { pk: 'SETTINGS', sk: 'MAIL' };
/** The mail settings item: no sender of its own (null) means MAIL_FROM. */
const MailSettingsItem = z.object({ from: orNull(z.string()), extraRecipients: z.array(z.string()).default([]), version: z.number().int() }) satisfies z.ZodType<StoredMailSettings>;

/** Mail settings (sender, extra recipients): one item, written with optimistic locking on `version`. */
export function createDynamoNotificationSettingsStore(table: Table): MailSettingsStore {
  const { doc, name: TableName } = table;
  const settings = itemReader(table, 'mail settings', MailSettingsItem);
  return {
    async get() {
      const { Item } = await doc.send(new GetCommand({ TableName, Key: KEY, ConsistentRead: true }));
      return Item ? settings.one(Item) : undefined;
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
