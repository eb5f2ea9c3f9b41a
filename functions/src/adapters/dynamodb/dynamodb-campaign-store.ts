import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CampaignRecord, CampaignStore } from '../../modules/campaigns/ports.ts';
import { queryAll } from './query-all.ts';
import { GSI1 } from './table-definition.ts';
import { isConditionalCheckFailed, ttlSeconds, type Table } from './table.ts';

const key = (id: string) => ({ pk: `CAMPAIGN#${id}`, sk: 'CAMPAIGN' });
const tokenKey = (hash: string) => ({ pk: `CAMPTOKEN#${hash}`, sk: 'TOKEN' });
// Attempt counters: their own item under the campaign's partition, so ADDs never race the versioned item.
const attemptsKey = (id: string) => ({ pk: `CAMPAIGN#${id}`, sk: 'ATTEMPTS' });
const ATTEMPT_KINDS = ['failedPasswords', 'challengesAsked', 'challengesRefused'] as const;
// The lookup item outlives the link by far, so a closed campaign's link answers 410 (not 404) for months.
const TOKEN_KEEP_MS = 180 * 86_400_000;

function toCampaign(item: Record<string, unknown>): CampaignRecord {
  const { pk: _pk, sk: _sk, gsi1pk: _g, gsi1sk: _s, ...rest } = item;
  const c = rest as unknown as CampaignRecord;
  return { ...c, deactivatedAt: c.deactivatedAt ?? null, purgedAt: c.purgedAt ?? null, batchIds: c.batchIds ?? [] };
}

/** Campaigns (one item each, listed newest first through gsi1 CAMPAIGNS) and token-hash lookup items. */
export function createDynamoCampaignStore(table: Table): CampaignStore {
  const { doc, name: TableName } = table;
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
    (await queryAll(doc, { TableName, IndexName: GSI1, KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': 'CAMPAIGNS' }, ScanIndexForward: false })).map(toCampaign);
  return {
    list,
    async get(id) {
      const { Item } = await doc.send(new GetCommand({ TableName, Key: key(id), ConsistentRead: true }));
      return Item ? toCampaign(Item) : undefined;
    },
    async create(c) {
      // Token first: a campaign item never exists without its lookup (the reverse is harmless: 404).
      await putToken(c);
      await doc.send(new PutCommand({ TableName, Item: item(c), ConditionExpression: 'attribute_not_exists(pk)' }));
    },
    async findByTokenHash(hash) {
      const { Item } = await doc.send(new GetCommand({ TableName, Key: tokenKey(hash) }));
      return typeof Item?.campaignId === 'string' ? Item.campaignId : undefined;
    },
    async replace(c, expectedVersion, oldTokenHash) {
      if (oldTokenHash !== undefined && oldTokenHash !== c.tokenHash) await putToken(c);
      try {
        // Every field but the count, which submissions ADD to concurrently (a Put would lose their increments).
        const { id: _id, submissionCount: _n, ...fields } = c;
        const names = Object.keys(fields);
        await doc.send(
          new UpdateCommand({
            TableName,
            Key: key(c.id),
            UpdateExpression: `SET ${names.map((n, i) => `#f${i} = :f${i}`).join(', ')}`,
            ConditionExpression: '#v = :v',
            ExpressionAttributeNames: { '#v': 'version', ...Object.fromEntries(names.map((n, i) => [`#f${i}`, n])) },
            ExpressionAttributeValues: { ':v': expectedVersion, ...Object.fromEntries(names.map((n, i) => [`:f${i}`, (fields as Record<string, unknown>)[n]])) },
          }),
        );
        return true;
      } catch (err) {
        if (isConditionalCheckFailed(err)) return false;
        throw err;
      }
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
      return Object.fromEntries(ATTEMPT_KINDS.map((k) => [k, typeof Item?.[k] === 'number' ? Item[k] : 0])) as Record<(typeof ATTEMPT_KINDS)[number], number>;
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
