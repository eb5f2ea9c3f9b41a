import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { Submission } from '@app/shared';
import type { SubmissionRecord, SubmissionStore } from '../../modules/campaigns/ports.ts';
import { itemReader, orNull } from './stored-item.ts';
import { queryAll } from './query-all.ts';
import { conditionalWrite } from './conditional-write.ts';
import type { Table } from './table.ts';

const key = (campaignId: string, id: string) => ({ pk: `CAMPAIGN#${campaignId}`, sk: `SUB#${id}` });

/** A submission item: its sealed passwords are null once purged (absent on items from before purging). */
const SubmissionItem = Submission.omit({ hasDestPassword: true, purged: true, jobId: true, launchedAt: true }).extend({
  reservedJobId: z.string(),
  sealedSourcePassword: orNull(z.string()),
  sealedDestPassword: orNull(z.string()),
  launchedAt: orNull(z.string()),
}) satisfies z.ZodType<SubmissionRecord>;

/** Submissions live under their campaign's partition (sk SUB#<id>): one Query lists a campaign's. */
export function createDynamoCampaignSubmissionStore(table: Table): SubmissionStore {
  const { doc, name: TableName } = table;
  const submissions = itemReader(table, 'campaign submission', SubmissionItem);
  return {
    async list(campaignId) {
      const items = await queryAll(doc, { TableName, KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)', ExpressionAttributeValues: { ':p': `CAMPAIGN#${campaignId}`, ':s': 'SUB#' }, ConsistentRead: true });
      return submissions.many(items);
    },
    async get(campaignId, id) {
      const { Item } = await doc.send(new GetCommand({ TableName, Key: key(campaignId, id), ConsistentRead: true }));
      return Item ? submissions.one(Item) : undefined;
    },
    create: (s) => conditionalWrite(() => doc.send(new PutCommand({ TableName, Item: { ...key(s.campaignId, s.id), ...s }, ConditionExpression: 'attribute_not_exists(pk)' }))),
    replace: (s, v) =>
      conditionalWrite(() =>
        doc.send(new PutCommand({ TableName, Item: { ...key(s.campaignId, s.id), ...s }, ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': v } })),
      ),
    delete: (campaignId, id, v) =>
      conditionalWrite(() => doc.send(new DeleteCommand({ TableName, Key: key(campaignId, id), ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': v } }))),
    async purge(campaignId, id) {
      await conditionalWrite(() =>
        doc.send(new UpdateCommand({ TableName, Key: key(campaignId, id), UpdateExpression: 'SET sealedSourcePassword = :n, sealedDestPassword = :n ADD version :one', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':n': null, ':one': 1 } })),
      );
    },
  };
}
