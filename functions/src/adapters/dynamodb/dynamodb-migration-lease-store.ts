import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { MailboxLease, MailboxLeaseStore } from '../../modules/migrations/ports.ts';
import { itemReader } from './stored-item.ts';
import { conditionalWrite } from './conditional-write.ts';
import { isConditionalCheckFailed, type Table } from './table.ts';

const key = (k: string) => ({ pk: `MIGLEASE#${k}`, sk: 'LEASE' });

// `untilMs`, never `expiresAt`: that is the table's TTL attribute, and DynamoDB's TTL deletes whenever it likes
// (up to days late); a lease must expire exactly when our code says, so the check lives in the conditions.
const LeaseItem = z.object({ holder: z.string(), untilMs: z.number(), renewMs: z.number(), draining: z.boolean().optional() });

/**
 * Destination-mailbox leases: one item per mailbox `{holder, untilMs, renewMs}`. Acquire is one conditional put
 * (free, expired, or already ours), renew one conditional update (still ours), release one conditional delete
 * (still ours): two dispatchers, a late worker and a sweeper can never both think they hold it.
 */
export function createDynamoMigrationLeaseStore(table: Table): MailboxLeaseStore {
  const { doc, name: TableName } = table;
  const leases = itemReader(table, 'mailbox lease', LeaseItem);
  const get = async (k: string): Promise<MailboxLease | undefined> => {
    const { Item } = await doc.send(new GetCommand({ TableName, Key: key(k), ConsistentRead: true }));
    if (!Item) return undefined;
    const l = leases.one(Item);
    return { key: k, holder: l.holder, until: new Date(l.untilMs), renewMs: l.renewMs, ...(l.draining === true ? { draining: true } : {}) };
  };
  return {
    async acquire(k, runId, at, holdMs, renewMs, mailbox) {
      try {
        await doc.send(
          new PutCommand({
            TableName,
            // A put replaces the whole item, so a re-take never inherits `draining`.
            Item: { ...key(k), holder: runId, untilMs: at.getTime() + holdMs, renewMs, mailbox, takenAt: at.toISOString() },
            ConditionExpression: 'attribute_not_exists(pk) OR holder = :me OR untilMs < :now',
            ExpressionAttributeValues: { ':me': runId, ':now': at.getTime() },
          }),
        );
        return { ok: true };
      } catch (err) {
        if (!isConditionalCheckFailed(err)) throw err;
      }
      const lease = await get(k);
      // Released between our put and the read: report it busy for an instant; the caller simply retries.
      return { ok: false, lease: lease ?? { key: k, holder: '', until: at, renewMs } };
    },
    async renew(k, runId, at) {
      return conditionalWrite(() =>
        doc.send(
          new UpdateCommand({
            TableName,
            Key: key(k),
            UpdateExpression: 'SET untilMs = :now + renewMs',
            // A draining lease belongs to a run that has ended: its worker must stop, not extend (or shorten) the hold.
            ConditionExpression: 'holder = :me AND attribute_not_exists(draining)',
            ExpressionAttributeValues: { ':me': runId, ':now': at.getTime() },
          }),
        ),
      );
    },
    async holdUntil(k, runId, until) {
      return conditionalWrite(() =>
        doc.send(
          new UpdateCommand({
            TableName,
            Key: key(k),
            UpdateExpression: 'SET untilMs = :until, draining = :true',
            ConditionExpression: 'holder = :me',
            ExpressionAttributeValues: { ':me': runId, ':until': until.getTime(), ':true': true },
          }),
        ),
      );
    },
    async release(k, runId) {
      try {
        await doc.send(new DeleteCommand({ TableName, Key: key(k), ConditionExpression: 'holder = :me', ExpressionAttributeValues: { ':me': runId } }));
      } catch (err) {
        if (!isConditionalCheckFailed(err)) throw err;
      }
    },
    get,
  };
}
