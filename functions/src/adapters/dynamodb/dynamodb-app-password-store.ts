import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { AppPassword } from '@app/shared';
import type { AppPasswordRecord, AppPasswordStore } from '../../modules/app-passwords/ports.ts';
import { itemReader, orNull } from './stored-item.ts';
import { GSI1 } from './table-definition.ts';
import { queryAll } from './query-all.ts';
import { isConditionalCheckFailed, type Table } from './table.ts';

const key = (id: string) => ({ pk: `APPPW#${id}`, sk: 'APPPW' });
const mailboxKey = (mailbox: string) => mailbox.trim().toLowerCase();

/** An app password the panel made (the secret sealed inside), checked when read back. */
export const AppPasswordItem = AppPassword.extend({
  sealedSecret: z.string().startsWith('v1:'),
  jobId: orNull(z.string()),
  campaignId: orNull(z.string()),
  deleteRequestedAt: orNull(z.string()),
  deleteError: orNull(z.string()),
  deleteAttempts: z.number().int().default(0),
}) satisfies z.ZodType<AppPasswordRecord>;

/**
 * App passwords: one item each (APPPW#<id>), listed through gsi1 (APPPWS) by mailbox, then creation time, so one
 * mailbox's are a key-prefix query and the sweep reads them all.
 */
export function createDynamoAppPasswordStore(table: Table): AppPasswordStore {
  const { doc, name: TableName } = table;
  const reader = itemReader(table, 'app password', AppPasswordItem);
  const query = async (prefix?: string) => {
    const items = await queryAll(doc, {
      TableName,
      IndexName: GSI1,
      KeyConditionExpression: prefix === undefined ? 'gsi1pk = :p' : 'gsi1pk = :p AND begins_with(gsi1sk, :m)',
      ExpressionAttributeValues: { ':p': 'APPPWS', ...(prefix === undefined ? {} : { ':m': prefix }) },
      ScanIndexForward: false,
    });
    return reader.many(items);
  };
  return {
    async put(r) {
      // "Not asked yet" is an absent attribute (read back as null), so markDeleteFailed's if_not_exists keeps the first failure's time.
      const { deleteRequestedAt, deleteError, ...rest } = r;
      const item = { ...key(r.id), gsi1pk: 'APPPWS', gsi1sk: `${mailboxKey(r.mailbox)}#${r.createdAt}#${r.id}`, ...rest, ...(deleteRequestedAt ? { deleteRequestedAt } : {}), ...(deleteError ? { deleteError } : {}) };
      await doc.send(new PutCommand({ TableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
    },
    async get(id) {
      const { Item } = await doc.send(new GetCommand({ TableName, Key: key(id), ConsistentRead: true }));
      return Item ? reader.one(Item) : undefined;
    },
    listForMailbox: (mailbox) => query(`${mailboxKey(mailbox)}#`),
    listAll: () => query(),
    async markDeleteFailed(id, at, error) {
      await doc
        .send(
          new UpdateCommand({
            TableName,
            Key: key(id),
            UpdateExpression: 'SET deleteRequestedAt = if_not_exists(deleteRequestedAt, :at), deleteError = :e, deleteAttempts = if_not_exists(deleteAttempts, :zero) + :one',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':at': at, ':e': error.slice(0, 300), ':zero': 0, ':one': 1 },
          }),
        )
        .catch((err: unknown) => {
          // Already deleted meanwhile: nothing left to mark.
          if (!isConditionalCheckFailed(err)) throw err;
        });
    },
    async delete(id) {
      await doc.send(new DeleteCommand({ TableName, Key: key(id) }));
    },
  };
}
