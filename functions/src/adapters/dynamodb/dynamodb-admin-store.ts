import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AdminRole } from '@app/shared';
import { ConflictError } from '../../modules/errors.ts';
import type { AdminRecord, AdminStore } from '../../modules/auth/ports.ts';
import { GSI1 } from './table-definition.ts';
import { isConditionalCheckFailed, type Table } from './table.ts';

const key = (email: string) => ({ pk: `ADMIN#${email}`, sk: 'ADMIN' });
const OWNERS = { pk: 'META', sk: 'OWNERS' };
const LAST_OWNER = 'The last owner cannot be removed. Make another admin an owner first.';

const toRecord = (item: Record<string, unknown>): AdminRecord => ({
  email: item.email as string,
  name: item.name as string,
  role: item.role as AdminRole,
  passwordHash: item.passwordHash as string,
  createdAt: item.createdAt as string,
  lastLoginAt: (item.lastLoginAt as string | undefined) ?? null,
});

/**
 * Admins keyed by email. A separate owner counter makes "never zero owners" one conditional write,
 * even when two owners remove each other at the same moment.
 */
export function createDynamoAdminStore(table: Table): AdminStore {
  const { doc, name: TableName } = table;
  const addOwners = (n: number, condition?: string) =>
    doc.send(
      new UpdateCommand({
        TableName,
        Key: OWNERS,
        UpdateExpression: 'ADD owners :n',
        ConditionExpression: condition,
        ExpressionAttributeValues: { ':n': n, ...(condition ? { ':one': 1 } : {}) },
      }),
    );
  return {
    async get(email) {
      const { Item } = await doc.send(new GetCommand({ TableName, Key: key(email), ConsistentRead: true }));
      return Item ? toRecord(Item) : undefined;
    },
    async list() {
      const { Items = [] } = await doc.send(
        new QueryCommand({ TableName, IndexName: GSI1, KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': 'ADMINS' } }),
      );
      return Items.map(toRecord);
    },
    async create(admin) {
      try {
        await doc.send(
          new PutCommand({
            TableName,
            Item: { ...key(admin.email), gsi1pk: 'ADMINS', gsi1sk: admin.email, ...admin },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (err) {
        if (isConditionalCheckFailed(err)) throw new ConflictError('An admin with that email already exists.', 'admin_exists', { cause: err });
        throw err;
      }
      if (admin.role === 'owner') await addOwners(1);
    },
    async remove(email, role) {
      if (role === 'owner') {
        try {
          await addOwners(-1, 'owners > :one');
        } catch (err) {
          if (isConditionalCheckFailed(err)) throw new ConflictError(LAST_OWNER, 'last_owner', { cause: err });
          throw err;
        }
      }
      try {
        await doc.send(new DeleteCommand({ TableName, Key: key(email), ConditionExpression: 'attribute_exists(pk)' }));
      } catch (err) {
        // Someone else removed them first: give the owner slot back.
        if (role === 'owner') await addOwners(1);
        if (isConditionalCheckFailed(err)) return;
        throw err;
      }
    },
    async setPasswordHash(email, passwordHash) {
      await doc.send(
        new UpdateCommand({
          TableName,
          Key: key(email),
          UpdateExpression: 'SET passwordHash = :h',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':h': passwordHash },
        }),
      );
    },
    async recordLogin(email, at) {
      await doc.send(
        new UpdateCommand({ TableName, Key: key(email), UpdateExpression: 'SET lastLoginAt = :t', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':t': at } }),
      );
    },
    async countOwners() {
      const { Item } = await doc.send(new GetCommand({ TableName, Key: OWNERS, ConsistentRead: true }));
      return (Item?.owners as number | undefined) ?? 0;
    },
  };
}
