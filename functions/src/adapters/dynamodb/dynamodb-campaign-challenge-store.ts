import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { ChallengeRecord, ChallengeStore } from '../../modules/campaigns/ports.ts';
import { itemReader } from './stored-item.ts';
import { isConditionalCheckFailed, ttlSeconds, type Table } from './table.ts';

// Access pattern: campaign browser check by id → pk=CAMPCHALLENGE#<id> sk=CHALLENGE (taken by one conditional
// delete). TTL only tidies up challenges nobody solved; validity (`validUntil`) is checked in code.
const key = (id: string) => ({ pk: `CAMPCHALLENGE#${id}`, sk: 'CHALLENGE' });
const TIDY_AFTER_MS = 3_600_000;

/** A challenge item: `validUntil` is its expiry (`expiresAt` is the table's TTL). */
const ChallengeItem = z.object({ campaignId: z.string(), prefix: z.string(), difficulty: z.number().int(), validUntil: z.string() });

/** Proof-of-work challenges of the public campaign form: one item each, single use. */
export function createDynamoCampaignChallengeStore(table: Table): ChallengeStore {
  const { doc, name: TableName } = table;
  // A challenge that cannot be read is refused like a used one: the browser simply asks for a new one.
  const challenges = itemReader(table, 'campaign challenge', ChallengeItem);
  return {
    async create(c) {
      await doc.send(
        new PutCommand({
          TableName,
          Item: { ...key(c.id), campaignId: c.campaignId, prefix: c.prefix, difficulty: c.difficulty, validUntil: c.expiresAt, expiresAt: ttlSeconds(new Date(Date.parse(c.expiresAt) + TIDY_AFTER_MS)) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },
    async take(id) {
      // One conditional delete: of two concurrent takes only one finds the item and gets it back.
      try {
        const { Attributes: a } = await doc.send(new DeleteCommand({ TableName, Key: key(id), ConditionExpression: 'attribute_exists(pk)', ReturnValues: 'ALL_OLD' }));
        const c = challenges.oneOrAbsent(a);
        if (!c) return undefined;
        return { id, campaignId: c.campaignId, prefix: c.prefix, difficulty: c.difficulty, expiresAt: c.validUntil } satisfies ChallengeRecord;
      } catch (err) {
        if (isConditionalCheckFailed(err)) return undefined;
        throw err;
      }
    },
  };
}
