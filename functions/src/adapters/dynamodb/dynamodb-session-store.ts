import { BatchGetCommand, DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { RequestAuthContext, SessionRecord, SessionStore } from '../../modules/auth/ports.ts';
import { AdminItem, adminKey } from './dynamodb-admin-store.ts';
import { SETTINGS_KEY, SettingsItem } from './dynamodb-settings-store.ts';
import { queryAll } from './query-all.ts';
import { itemReader } from './stored-item.ts';
import { GSI1 } from './table-definition.ts';
import { isConditionalCheckFailed, ttlSeconds, type Table } from './table.ts';

const key = (id: string) => ({ pk: `SESSION#${id}`, sk: 'SESSION' });

const SessionItem = z.object({
  id: z.string(),
  adminEmail: z.string(),
  ip: z.string(),
  userAgent: z.string(),
  createdAt: z.string(),
  lastSeenAt: z.string(),
  absoluteExpiresAt: z.string(),
  // Sessions from before step-up re-authentication have none: an empty value is never recent (fails closed).
  authAt: z.string().default(''),
}) satisfies z.ZodType<SessionRecord>;

// BatchGetItem may hand back keys it could not read under throttling; they are asked again, a few times.
const MAX_BATCH_ATTEMPTS = 5;

/** Sessions keyed by the token's hash; listed per admin through gsi1 (`SESSIONS`, `<email>#<createdAt>`). */
export function createDynamoSessionStore(table: Table): SessionStore {
  const { doc, name: TableName } = table;
  // Keyed by the token's hash (only its beginning is logged). One that cannot be read is no session: the admin
  // signs in again (a damaged session never lets a request through).
  const sessions = itemReader(table, 'session', SessionItem, { secretKey: true });
  const admins = itemReader(table, 'admin', AdminItem);
  const settings = itemReader(table, 'panel settings', SettingsItem);
  const byIndex = (prefix: string) =>
    queryAll(doc, {
      TableName,
      IndexName: GSI1,
      KeyConditionExpression: 'gsi1pk = :p AND begins_with(gsi1sk, :s)',
      ExpressionAttributeValues: { ':p': 'SESSIONS', ':s': prefix },
    });
  return {
    async create(s) {
      await doc.send(
        new PutCommand({
          TableName,
          Item: { ...key(s.id), gsi1pk: 'SESSIONS', gsi1sk: `${s.adminEmail}#${s.createdAt}`, ...s, expiresAt: ttlSeconds(new Date(s.absoluteExpiresAt)) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },
    async get(id) {
      const { Item } = await doc.send(new GetCommand({ TableName, Key: key(id), ConsistentRead: true }));
      return sessions.oneOrAbsent(Item);
    },
    async getForRequest(id, adminEmail) {
      const out: RequestAuthContext = {};
      let keys: Record<string, unknown>[] = [key(id), adminKey(adminEmail), SETTINGS_KEY];
      for (let attempt = 1; keys.length > 0; attempt++) {
        if (attempt > MAX_BATCH_ATTEMPTS) throw new Error('DynamoDB left keys unprocessed: the session could not be read.');
        const res = await doc.send(new BatchGetCommand({ RequestItems: { [TableName]: { Keys: keys, ConsistentRead: true } } }));
        for (const item of res.Responses?.[TableName] ?? []) {
          if (item.sk === 'SESSION') out.session = sessions.oneOrAbsent(item);
          else if (item.sk === 'ADMIN') out.admin = admins.one(item);
          else if (item.pk === SETTINGS_KEY.pk && item.sk === SETTINGS_KEY.sk) out.settings = settings.one(item);
        }
        keys = res.UnprocessedKeys?.[TableName]?.Keys ?? [];
        if (keys.length > 0) await new Promise((r) => setTimeout(r, 10 * 2 ** attempt));
      }
      return out;
    },
    async touch(id, lastSeenAt, idleExpiresAt) {
      await doc
        .send(
          new UpdateCommand({
            TableName,
            Key: key(id),
            UpdateExpression: 'SET lastSeenAt = :t, expiresAt = :e',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':t': lastSeenAt, ':e': ttlSeconds(idleExpiresAt) },
          }),
        )
        // A concurrent revoke deleted it: nothing to touch, and the next request will see it gone.
        .catch((err: unknown) => {
          if (!isConditionalCheckFailed(err)) throw err;
        });
    },
    async delete(id) {
      await doc.send(new DeleteCommand({ TableName, Key: key(id) }));
    },
    async list() {
      return sessions.many(await byIndex(''));
    },
    async listForAdmin(email) {
      return sessions.many(await byIndex(`${email}#`));
    },
  };
}
