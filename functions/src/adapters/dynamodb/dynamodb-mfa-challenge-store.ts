import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { MfaChallengeRecord, MfaChallengeStore } from '../../modules/auth/ports.ts';
import { itemReader } from './stored-item.ts';
import { conditionalWrite } from './conditional-write.ts';
import { isConditionalCheckFailed, ttlSeconds, type Table } from './table.ts';

// Access pattern: 2FA login challenge by token hash → GetItem pk=MFACHALLENGE#<sha256> sk=MFACHALLENGE
// (TTL removes old ones; validity is checked in code, since TTL deletion can lag).
const key = (id: string) => ({ pk: `MFACHALLENGE#${id}`, sk: 'MFACHALLENGE' });

/** A challenge item: `validUntil` is its expiry (`expiresAt` is the table's TTL). */
const ChallengeItem = z.object({ adminEmail: z.string(), validUntil: z.string(), attempts: z.number().int() });
const AttemptsItem = z.object({ attempts: z.number().int() });

export function createDynamoMfaChallengeStore(table: Table): MfaChallengeStore {
  const { doc, name: TableName } = table;
  // Keyed by the token's hash (only its beginning is logged); one that cannot be read is no challenge: sign in again.
  const challenges = itemReader(table, '2FA sign-in challenge', ChallengeItem, { secretKey: true });
  const reserved = itemReader(table, '2FA sign-in challenge', AttemptsItem, { secretKey: true });
  return {
    async put(c) {
      await doc.send(
        new PutCommand({
          TableName,
          Item: { ...key(c.id), adminEmail: c.adminEmail, validUntil: c.expiresAt, attempts: c.attempts, expiresAt: ttlSeconds(new Date(c.expiresAt)) },
        }),
      );
    },
    async get(id) {
      const { Item } = await doc.send(new GetCommand({ TableName, Key: key(id), ConsistentRead: true }));
      const c = challenges.oneOrAbsent(Item);
      return c ? ({ id, adminEmail: c.adminEmail, expiresAt: c.validUntil, attempts: c.attempts } satisfies MfaChallengeRecord) : undefined;
    },
    async reserveAttempt(id, now, max) {
      try {
        const { Attributes } = await doc.send(
          new UpdateCommand({
            TableName,
            Key: key(id),
            UpdateExpression: 'ADD attempts :one',
            ConditionExpression: 'attempts < :max AND validUntil > :now',
            ExpressionAttributeValues: { ':one': 1, ':max': max, ':now': now.toISOString() },
            ReturnValues: 'UPDATED_NEW',
          }),
        );
        return reserved.oneOrAbsent(Attributes)?.attempts;
      } catch (err) {
        if (isConditionalCheckFailed(err)) return undefined;
        throw err;
      }
    },
    async consume(id, now) {
      return conditionalWrite(() =>
        doc.send(
          new DeleteCommand({ TableName, Key: key(id), ConditionExpression: 'validUntil > :now', ExpressionAttributeValues: { ':now': now.toISOString() } }),
        ),
      );
    },
    async delete(id) {
      await doc.send(new DeleteCommand({ TableName, Key: key(id) }));
    },
  };
}
