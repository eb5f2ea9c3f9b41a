import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { DestMode } from '@app/shared';
import type { CampaignRecord, CampaignStore } from '../../modules/campaigns/ports.ts';
import { itemReader, orNull } from './stored-item.ts';
import { queryAll } from './query-all.ts';
import { GSI1 } from './table-definition.ts';
import { conditionalWrite } from './conditional-write.ts';
import { isConditionalCheckFailed, ttlSeconds, type Table } from './table.ts';

const key = (id: string) => ({ pk: `CAMPAIGN#${id}`, sk: 'CAMPAIGN' });
const tokenKey = (hash: string) => ({ pk: `CAMPTOKEN#${hash}`, sk: 'TOKEN' });
// Attempt counters: their own item under the campaign's partition, so ADDs never race the versioned item.
const attemptsKey = (id: string) => ({ pk: `CAMPAIGN#${id}`, sk: 'ATTEMPTS' });
// The lookup item outlives the link by far, so a closed campaign's link answers 410 (not 404) for months.
const TOKEN_KEEP_MS = 180 * 86_400_000;

/** A campaign item; items from before deactivation, purging or launches lack those attributes. */
const CampaignItem = z.object({
  id: z.string(),
  name: z.string(),
  requester: z.string(),
  message: z.string(),
  sourceServerId: z.string(),
  destServerId: z.string(),
  destPurelyMail: z.boolean(),
  destMode: DestMode,
  destDomain: z.string(),
  tokenHash: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
  expiresAt: z.string(),
  deactivatedAt: orNull(z.string()),
  purgeAfterDays: z.number().int(),
  purgedAt: orNull(z.string()),
  submissionCount: z.number().int(),
  batchIds: z.array(z.string()).default([]),
  version: z.number().int(),
}) satisfies z.ZodType<CampaignRecord>;
/** A link's lookup item: token hash → campaign. */
const TokenItem = z.object({ campaignId: z.string() });
/** The attempt counters (each ADDed on its own, so any may be absent). */
const AttemptsItem = z.object({ failedPasswords: z.number().int().default(0), challengesAsked: z.number().int().default(0), challengesRefused: z.number().int().default(0) });

/** Campaigns (one item each, listed newest first through gsi1 CAMPAIGNS) and token-hash lookup items. */
export function createDynamoCampaignStore(table: Table): CampaignStore {
  const { doc, name: TableName } = table;
  const campaigns = itemReader(table, 'campaign', CampaignItem);
  // Keyed by a hash of the link's token: only its beginning is logged.
  const tokens = itemReader(table, 'campaign link', TokenItem, { secretKey: true });
  const attempts = itemReader(table, 'campaign attempt count', AttemptsItem);
  const item = (c: CampaignRecord) => ({ ...key(c.id), gsi1pk: 'CAMPAIGNS', gsi1sk: `${c.createdAt}#${c.id}`, ...c });
  const putToken = (c: CampaignRecord) =>
    doc.send(
      new PutCommand({
        TableName,
        Item: { ...tokenKey(c.tokenHash), campaignId: c.id, expiresAt: ttlSeconds(new Date(Date.parse(c.expiresAt) + TOKEN_KEEP_MS)) },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  const list = async () =>
    campaigns.many(await queryAll(doc, { TableName, IndexName: GSI1, KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': 'CAMPAIGNS' }, ScanIndexForward: false }));
  return {
    list,
    async get(id) {
      const { Item } = await doc.send(new GetCommand({ TableName, Key: key(id), ConsistentRead: true }));
      return Item ? campaigns.one(Item) : undefined;
    },
    async create(c) {
      // Token first: a campaign item never exists without its lookup (the reverse is harmless: 404).
      await putToken(c);
      await doc.send(new PutCommand({ TableName, Item: item(c), ConditionExpression: 'attribute_not_exists(pk)' }));
    },
    async findByTokenHash(hash) {
      const { Item } = await doc.send(new GetCommand({ TableName, Key: tokenKey(hash) }));
      // A lookup that cannot be read is no link: the person sees "not found", the log says why.
      return tokens.oneOrAbsent(Item)?.campaignId;
    },
    async replace(c, expectedVersion, oldTokenHash) {
      if (oldTokenHash !== undefined && oldTokenHash !== c.tokenHash) await putToken(c);
      // Every field but the count, which submissions ADD to concurrently (a Put would lose their increments).
      const { id: _id, submissionCount: _n, ...fields } = c;
      const set = Object.entries(fields);
      return conditionalWrite(() =>
        doc.send(
          new UpdateCommand({
            TableName,
            Key: key(c.id),
            UpdateExpression: `SET ${set.map((_, i) => `#f${i} = :f${i}`).join(', ')}`,
            ConditionExpression: '#v = :v',
            ExpressionAttributeNames: { '#v': 'version', ...Object.fromEntries(set.map(([n], i) => [`#f${i}`, n])) },
            ExpressionAttributeValues: { ':v': expectedVersion, ...Object.fromEntries(set.map(([, v], i) => [`:f${i}`, v])) },
          }),
        ),
      );
    },
    async countSubmission(id, delta) {
      await doc.send(new UpdateCommand({ TableName, Key: key(id), UpdateExpression: 'ADD submissionCount :d', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':d': delta } })).catch((err: unknown) => {
        if (!isConditionalCheckFailed(err)) throw err;
      });
    },
    async countAttempt(id, kind) {
      await doc.send(new UpdateCommand({ TableName, Key: attemptsKey(id), UpdateExpression: 'ADD #k :one', ExpressionAttributeNames: { '#k': kind }, ExpressionAttributeValues: { ':one': 1 } }));
    },
    async attempts(id) {
      const { Item } = await doc.send(new GetCommand({ TableName, Key: attemptsKey(id), ConsistentRead: true }));
      return attempts.one(Item ?? {});
    },
    // A background sweep, not a request path: the campaigns list is small and bounded.
    async listPurgeDue(now) {
      return (await list()).filter((c) => {
        if (c.purgedAt) return false;
        const ended = Math.min(Date.parse(c.expiresAt), c.deactivatedAt ? Date.parse(c.deactivatedAt) : Infinity);
        return ended + c.purgeAfterDays * 86_400_000 <= now.getTime();
      });
    },
  };
}
