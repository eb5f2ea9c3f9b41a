import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { PendingAction, type PendingActionStatus } from '@app/shared';
import { ConflictError } from '../../modules/errors.ts';
import type { PendingActionStore, StoredPendingAction } from '../../modules/pending-actions/ports.ts';
import { queryAll } from './query-all.ts';
import { itemReader, orNull } from './stored-item.ts';
import { GSI1 } from './table-definition.ts';
import { isConditionalCheckFailed, type Table } from './table.ts';

const ACTIVE = 'PENDING';
const FINISHED = 'PENDING#DONE';

/** One item per (kind, target): it holds the current action, so "one pending action per target" is a key. */
const slotKey = (kind: string, target: string) => ({ pk: `PACTION#${kind}#${target}`, sk: 'SLOT' });
/** id → slot, so a schedule (named after the id) and the Cancel button find the action. */
const idKey = (id: string) => ({ pk: `PACTIONID#${id}`, sk: 'ID' });

const isActive = (s: PendingActionStatus) => s === 'pending' || s === 'executing';
const indexKeys = (a: StoredPendingAction) =>
  isActive(a.status) ? { gsi1pk: ACTIVE, gsi1sk: `${a.executeAt}#${a.id}` } : { gsi1pk: FINISHED, gsi1sk: `${a.finishedAt ?? a.executeAt}#${a.id}` };

/** A slot item: the target's current action, as the API shows it plus what the runner needs. */
const ActionItem = PendingAction.extend({
  finishedAt: orNull(z.string()),
  cancelledBy: orNull(z.string()),
  reason: orNull(z.string()),
  claimedAt: orNull(z.string()),
  targetGeneration: orNull(z.string()),
}) satisfies z.ZodType<StoredPendingAction>;
/** An id item: where the action with that id lives. */
const IdItem = z.object({ kind: z.string(), target: z.string() });

/**
 * Pending actions (see table-definition.ts): the slot item `PACTION#<kind>#<target>` is the state machine;
 * gsi1 lists active actions under `PENDING` by executeAt and finished ones under `PENDING#DONE`.
 */
export function createDynamoPendingActionStore(table: Table): PendingActionStore {
  const { doc, name: TableName } = table;
  const actions = itemReader(table, 'pending action', ActionItem);
  const ids = itemReader(table, 'pending action id', IdItem);
  const getSlot = async (kind: string, target: string) => {
    const out = await doc.send(new GetCommand({ TableName, Key: slotKey(kind, target), ConsistentRead: true }));
    return out.Item ? actions.one(out.Item) : undefined;
  };
  // Idempotent: the same id always maps to the same slot.
  const putIndex = (a: StoredPendingAction) => doc.send(new PutCommand({ TableName, Item: { ...idKey(a.id), kind: a.kind, target: a.target } }));
  const queryIndex = async (pk: string, opts: { upTo?: string; limit?: number; newestFirst?: boolean } = {}) => {
    const values: Record<string, unknown> = { ':p': pk };
    if (opts.upTo) values[':to'] = `${opts.upTo}#\uffff`;
    const input = {
      TableName,
      IndexName: GSI1,
      KeyConditionExpression: opts.upTo ? 'gsi1pk = :p AND gsi1sk <= :to' : 'gsi1pk = :p',
      ExpressionAttributeValues: values,
      ScanIndexForward: !opts.newestFirst,
    };
    if (opts.limit) return actions.many((await doc.send(new QueryCommand({ ...input, Limit: opts.limit }))).Items ?? []);
    return actions.many(await queryAll(doc, input));
  };

  return {
    async create(action) {
      for (let attempt = 0; attempt < 4; attempt++) {
        try {
          await doc.send(
            new PutCommand({
              TableName,
              Item: { ...slotKey(action.kind, action.target), ...indexKeys(action), ...action },
              ConditionExpression: 'attribute_not_exists(pk) OR #s IN (:done, :failed, :cancelled)',
              ExpressionAttributeNames: { '#s': 'status' },
              ExpressionAttributeValues: { ':done': 'done', ':failed': 'failed', ':cancelled': 'cancelled' },
            }),
          );
          await putIndex(action);
          return { action, created: true };
        } catch (err) {
          if (!isConditionalCheckFailed(err)) throw err;
        }
        const existing = await getSlot(action.kind, action.target);
        if (existing && isActive(existing.status)) {
          await putIndex(existing); // repairs the index if its creator stopped between the two writes
          return { action: existing, created: false };
        }
        // It finished between our write and our read: try again.
      }
      throw new ConflictError('This deletion is changing right now. Try again in a moment.', 'pending_busy');
    },

    async get(id) {
      const item = (await doc.send(new GetCommand({ TableName, Key: idKey(id), ConsistentRead: true }))).Item;
      if (item) {
        const ref = ids.one(item);
        const slot = await getSlot(ref.kind, ref.target);
        // A newer action for the same target replaced this one: the old one finished long ago.
        return slot?.id === id ? slot : undefined;
      }
      // The creator stopped before writing the index: the active list is small and holds it.
      return (await queryIndex(ACTIVE)).find((a) => a.id === id);
    },

    listActive: () => queryIndex(ACTIVE),
    listDue: (nowIso) => queryIndex(ACTIVE, { upTo: nowIso }),
    listFinished: (limit) => queryIndex(FINISHED, { limit, newestFirst: true }),

    async transition(expected, from, change) {
      const next: StoredPendingAction = { ...expected, ...change, version: expected.version + 1 };
      const sets: Record<string, unknown> = { ...change, version: next.version, ...indexKeys(next) };
      const names: Record<string, string> = { '#s': 'status' };
      const values: Record<string, unknown> = { ':from': from, ':id': expected.id, ':v': expected.version };
      const assignments = Object.entries(sets).map(([k, v], i) => {
        names[`#f${i}`] = k;
        values[`:f${i}`] = v;
        return `#f${i} = :f${i}`;
      });
      try {
        await doc.send(
          new UpdateCommand({
            TableName,
            Key: slotKey(expected.kind, expected.target),
            UpdateExpression: `SET ${assignments.join(', ')}`,
            ConditionExpression: '#s = :from AND id = :id AND version = :v',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        );
        return next;
      } catch (err) {
        if (isConditionalCheckFailed(err)) return undefined;
        throw err;
      }
    },
  };
}
