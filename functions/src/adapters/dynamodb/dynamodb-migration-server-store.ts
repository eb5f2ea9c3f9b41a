import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ServerProfile } from '@app/shared';
import { ConflictError } from '../../modules/errors.ts';
import type { ServerStore } from '../../modules/migrations/ports.ts';
import { GSI1 } from './table-definition.ts';
import { queryAll } from './query-all.ts';
import { itemReader } from './stored-item.ts';
import { isConditionalCheckFailed, type Table } from './table.ts';

const key = (id: string) => ({ pk: `MIGSERVER#${id}`, sk: 'SERVER' });


/** IMAP server profiles: one item each, listed by name through gsi1 (MIGSERVERS). */
export function createDynamoMigrationServerStore(table: Table): ServerStore {
  const { doc, name: TableName } = table;
  // The item is the profile as the API shows it (the schema drops the keys).
  const servers = itemReader(table, 'IMAP server', ServerProfile);
  const item = (s: ServerProfile) => ({ ...key(s.id), gsi1pk: 'MIGSERVERS', gsi1sk: `${s.name.toLowerCase()}#${s.id}`, ...s });
  return {
    async list() {
      const items = await queryAll(doc, { TableName, IndexName: GSI1, KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': 'MIGSERVERS' } });
      return servers.many(items);
    },
    async get(id) {
      const { Item } = await doc.send(new GetCommand({ TableName, Key: key(id), ConsistentRead: true }));
      return Item ? servers.one(Item) : undefined;
    },
    async create(s) {
      await doc.send(new PutCommand({ TableName, Item: item(s), ConditionExpression: 'attribute_not_exists(pk)' }));
    },
    async update(s, expectedVersion) {
      try {
        await doc.send(new PutCommand({ TableName, Item: item(s), ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': expectedVersion } }));
      } catch (err) {
        if (isConditionalCheckFailed(err)) throw new ConflictError('Someone else changed or deleted this server meanwhile. Reload and try again.', 'stale_version', { cause: err });
        throw err;
      }
    },
    async delete(id) {
      await doc.send(new DeleteCommand({ TableName, Key: key(id) }));
    },
  };
}
