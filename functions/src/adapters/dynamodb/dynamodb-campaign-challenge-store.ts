import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ChallengeRecord, ChallengeStore } from '../../modules/campaigns/ports.ts';
import { isConditionalCheckFailed, ttlSeconds, type Table } from './table.ts';

// Access pattern: campaign browser check by id → pk=CAMPCHALLENGE#<id> sk=CHALLENGE (taken by one conditional
// delete). TTL only tidies up challenges nobody solved; validity (`validUntil`) is checked in code.
const key = (id: string) => ({ pk: `CAMPCHALLENGE#${id}`, sk: 'CHALLENGE' });
const TIDY_AFTER_MS = 3_600_000;

/** Proof-of-work challenges of the public campaign form: one item each, single use. */
export function createDynamoCampaignChallengeStore(table: Table): ChallengeStore {
  const { doc, name: TableName } = table;
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
        if (!a) return undefined;
        return { id, campaignId: String(a.campaignId), prefix: String(a.prefix), difficulty: Number(a.difficulty), expiresAt: String(a.validUntil) } satisfies ChallengeRecord;
      } catch (err) {
        if (isConditionalCheckFailed(err)) return undefined;
        throw err;
      }
    },
  };
}
