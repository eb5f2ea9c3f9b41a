import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SubmissionRecord, SubmissionStore } from '../../modules/campaigns/ports.ts';
import { queryAll } from './query-all.ts';
import { isConditionalCheckFailed, type Table } from './table.ts';

const key = (campaignId: string, id: string) => ({ pk: `CAMPAIGN#${campaignId}`, sk: `SUB#${id}` });

function toSubmission(item: Record<string, unknown>): SubmissionRecord {
  const { pk: _pk, sk: _sk, ...rest } = item;
  const s = rest as unknown as SubmissionRecord;
  return { ...s, sealedSourcePassword: s.sealedSourcePassword ?? null, sealedDestPassword: s.sealedDestPassword ?? null, launchedAt: s.launchedAt ?? null };
}

/** Submissions live under their campaign's partition (sk SUB#<id>): one Query lists a campaign's. */
export function createDynamoCampaignSubmissionStore(table: Table): SubmissionStore {
  const { doc, name: TableName } = table;
  const conditional = async (send: () => Promise<unknown>): Promise<boolean> => {
    try {
      await send();
      return true;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      throw err;
    }
  };
  return {
    async list(campaignId) {
      const items = await queryAll(doc, { TableName, KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)', ExpressionAttributeValues: { ':p': `CAMPAIGN#${campaignId}`, ':s': 'SUB#' }, ConsistentRead: true });
      return items.map(toSubmission);
    },
    async get(campaignId, id) {
      const { Item } = await doc.send(new GetCommand({ TableName, Key: key(campaignId, id), ConsistentRead: true }));
      return Item ? toSubmission(Item) : undefined;
    },
    create: (s) => conditional(() => doc.send(new PutCommand({ TableName, Item: { ...key(s.campaignId, s.id), ...s }, ConditionExpression: 'attribute_not_exists(pk)' }))),
    replace: (s, v) =>
      conditional(() =>
        doc.send(new PutCommand({ TableName, Item: { ...key(s.campaignId, s.id), ...s }, ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': v } })),
      ),
    delete: (campaignId, id, v) =>
      conditional(() => doc.send(new DeleteCommand({ TableName, Key: key(campaignId, id), ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': v } }))),
    async purge(campaignId, id) {
      await conditional(() =>
        doc.send(new UpdateCommand({ TableName, Key: key(campaignId, id), UpdateExpression: 'SET sealedSourcePassword = :n, sealedDestPassword = :n ADD version :one', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':n': null, ':one': 1 } })),
      );
    },
  };
}
