import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { HandoverRecord, HandoverStore } from '../../modules/user-handover/ports.ts';
import { mapLimit } from '../../modules/batches/batch-ids.ts';
import { itemReader, orNull } from './stored-item.ts';
import { isConditionalCheckFailed, ttlSeconds, type Table } from './table.ts';

const key = (tokenHash: string) => ({ pk: `HANDOVER#${tokenHash}`, sk: 'HANDOVER' });
/** An expired link still says "expired" (not "not valid") for two weeks; then DynamoDB's TTL removes it. */
const KEEP_AFTER_EXPIRY_MS = 14 * 86_400_000;

const HandoverItem = z.object({
  tokenHash: z.string().regex(/^[0-9a-f]{64}$/),
  address: z.string(),
  sealedPassword: orNull(z.string().startsWith('v1:')),
  createdBy: z.string(),
  createdAt: z.string(),
  linkExpiresAt: z.string(),
  openedAt: orNull(z.string()),
}) satisfies z.ZodType<HandoverRecord>;

/** Hand-over links: one item each (HANDOVER#<sha256 of the token>), read by key only (no index, no list). */
export function createDynamoHandoverStore(table: Table): HandoverStore {
  const { doc, name: TableName } = table;
  const reader = itemReader(table, 'hand-over link', HandoverItem, { secretKey: true });
  return {
    async createMany(records) {
      await mapLimit(records, 8, async (r) => {
        const { openedAt: _o, ...rest } = r;
        await doc.send(
          new PutCommand({
            TableName,
            Item: { ...key(r.tokenHash), ...rest, expiresAt: ttlSeconds(new Date(Date.parse(r.linkExpiresAt) + KEEP_AFTER_EXPIRY_MS)) },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      });
    },
    async get(tokenHash) {
      const { Item } = await doc.send(new GetCommand({ TableName, Key: key(tokenHash), ConsistentRead: true }));
      return Item ? reader.one(Item) : undefined;
    },
    async markOpened(tokenHash, now) {
      try {
        await doc.send(
          new UpdateCommand({
            TableName,
            Key: key(tokenHash),
            UpdateExpression: 'SET openedAt = :now REMOVE sealedPassword',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(openedAt) AND linkExpiresAt > :now',
            ExpressionAttributeValues: { ':now': now },
          }),
        );
        return true;
      } catch (err) {
        if (isConditionalCheckFailed(err)) return false;
        throw err;
      }
    },
  };
}
