import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { SendRecord, SendRecordStore } from '../../modules/notifications/ports.ts';
import { itemReader, orNull } from './stored-item.ts';
import { GSI1 } from './table-definition.ts';
import { conditionalWrite } from './conditional-write.ts';
import type { Table } from './table.ts';

const key = (eventId: string, recipient: string) => ({ pk: `NOTIFY#${eventId}`, sk: `TO#${recipient.toLowerCase()}` });
const outboxSk = (retryAt: string, eventId: string, recipient: string) => `${retryAt}#${eventId}#${recipient.toLowerCase()}`;

/** A send record: the email as it was first built (so a retry sends the same one), and where its sending stands. */
const SendItem = z.object({
  eventId: z.string(),
  recipient: z.string(),
  status: z.enum(['sending', 'sent', 'failed']),
  email: z.object({ from: z.string(), to: z.string(), subject: z.string(), text: z.string(), html: z.string(), messageId: z.string(), date: z.string() }),
  attempts: z.number().int(),
  retryAt: orNull(z.string()),
  lastError: orNull(z.string()),
}) satisfies z.ZodType<SendRecord>;

/**
 * Send records, one item per (event id, recipient). While unsent the item sits in gsi1 under `OUTBOX`
 * sorted by its retry time (the outbox the sweeper reads); marking it sent removes it from the index.
 */
export function createDynamoNotificationSendStore(table: Table): SendRecordStore {
  const { doc, name: TableName } = table;
  const records = itemReader(table, 'email send record', SendItem);
  return {
    claim: (r) =>
      conditionalWrite(() =>
        doc.send(
          new PutCommand({
            TableName,
            Item: { ...key(r.eventId, r.recipient), ...r, ...(r.retryAt ? { gsi1pk: 'OUTBOX', gsi1sk: outboxSk(r.retryAt, r.eventId, r.recipient) } : {}) },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      ),
    async markSent(eventId, recipient, attempts) {
      await doc.send(
        new UpdateCommand({
          TableName,
          Key: key(eventId, recipient),
          UpdateExpression: 'SET #s = :sent, attempts = :a REMOVE retryAt, gsi1pk, gsi1sk, lastError',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':sent': 'sent', ':a': attempts },
        }),
      );
    },
    async markFailed(eventId, recipient, attempts, error, retryAt) {
      const values: Record<string, unknown> = { ':st': retryAt ? 'sending' : 'failed', ':a': attempts, ':e': error.slice(0, 500) };
      let update = 'SET #s = :st, attempts = :a, lastError = :e';
      if (retryAt) {
        Object.assign(values, { ':r': retryAt, ':o': 'OUTBOX', ':k': outboxSk(retryAt, eventId, recipient) });
        update += ', retryAt = :r, gsi1pk = :o, gsi1sk = :k';
      } else update += ' REMOVE retryAt, gsi1pk, gsi1sk';
      await doc.send(new UpdateCommand({ TableName, Key: key(eventId, recipient), UpdateExpression: update, ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: values }));
    },
    async listDue(now, limit) {
      const out = await doc.send(
        new QueryCommand({
          TableName,
          IndexName: GSI1,
          KeyConditionExpression: 'gsi1pk = :o AND gsi1sk <= :now',
          ExpressionAttributeValues: { ':o': 'OUTBOX', ':now': `${now.toISOString()}#\uffff` },
          Limit: limit,
        }),
      );
      return records.many(out.Items ?? []);
    },
    takeForRetry: (eventId, recipient, attempts, leaseUntil) =>
      conditionalWrite(() =>
        doc.send(
          new UpdateCommand({
            TableName,
            Key: key(eventId, recipient),
            // Bumping `attempts` is what makes a second sweeper's identical update fail.
            UpdateExpression: 'SET retryAt = :l, gsi1sk = :k, attempts = :next',
            ConditionExpression: 'attempts = :a AND #s = :sending',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':l': leaseUntil, ':k': outboxSk(leaseUntil, eventId, recipient), ':a': attempts, ':next': attempts + 1, ':sending': 'sending' },
          }),
        ),
      ),
    async listForEvent(eventId) {
      const items: Record<string, unknown>[] = [];
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const out = await doc.send(
          new QueryCommand({
            TableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :to)',
            ExpressionAttributeValues: { ':pk': key(eventId, '').pk, ':to': 'TO#' },
            ConsistentRead: true,
            ExclusiveStartKey,
          }),
        );
        items.push(...(out.Items ?? []));
        ExclusiveStartKey = out.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return records.many(items);
    },
    async get(eventId, recipient) {
      const { Item } = await doc.send(new GetCommand({ TableName, Key: key(eventId, recipient), ConsistentRead: true }));
      return Item ? records.one(Item) : undefined;
    },
  };
}
