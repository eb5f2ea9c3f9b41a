import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { SlotStore } from '../../modules/migrations/ports.ts';
import { itemReader } from './stored-item.ts';
import { isConditionalCheckFailed, type Table } from './table.ts';

const KEY = { pk: 'MIGSLOTS', sk: 'SLOTS' };
/** run id → when it took its slot. */
const SlotsItem = z.object({ holders: z.record(z.string(), z.string()).default({}) });

/**
 * The concurrency limiter: one item `{count, holders: {runId: takenAt}}`. A take is one conditional update
 * (count below the limit read at that moment, run not yet a holder), so two dispatchers and duplicate
 * deliveries can never push count past the limit; a release only decrements when the run was a holder.
 */
export function createDynamoMigrationSlotStore(table: Table): SlotStore {
  const { doc, name: TableName } = table;
  const slots = itemReader(table, 'migration slots', SlotsItem);
  const ensure = async () => {
    try {
      await doc.send(new PutCommand({ TableName, Item: { ...KEY, count: 0, holders: {} }, ConditionExpression: 'attribute_not_exists(pk)' }));
    } catch (err) {
      if (!isConditionalCheckFailed(err)) throw err;
    }
  };
  const holders = async (): Promise<Record<string, string>> => {
    const { Item } = await doc.send(new GetCommand({ TableName, Key: KEY, ConsistentRead: true }));
    return Item ? slots.one(Item).holders : {};
  };
  let ensured = false;
  return {
    async take(runId, limit, at) {
      if (!ensured) {
        await ensure();
        ensured = true;
      }
      try {
        await doc.send(
          new UpdateCommand({
            TableName,
            Key: KEY,
            UpdateExpression: 'SET #h.#r = :at, #c = #c + :one',
            ConditionExpression: '#c < :limit AND attribute_not_exists(#h.#r)',
            ExpressionAttributeNames: { '#h': 'holders', '#r': runId, '#c': 'count' },
            ExpressionAttributeValues: { ':at': at.toISOString(), ':one': 1, ':limit': limit },
          }),
        );
        return 'taken';
      } catch (err) {
        if (!isConditionalCheckFailed(err)) throw err;
      }
      return runId in (await holders()) ? 'held' : 'full';
    },
    async release(runId) {
      try {
        await doc.send(
          new UpdateCommand({
            TableName,
            Key: KEY,
            UpdateExpression: 'REMOVE #h.#r SET #c = #c - :one',
            ConditionExpression: 'attribute_exists(#h.#r)',
            ExpressionAttributeNames: { '#h': 'holders', '#r': runId, '#c': 'count' },
            ExpressionAttributeValues: { ':one': 1 },
          }),
        );
      } catch (err) {
        if (!isConditionalCheckFailed(err)) throw err;
      }
    },
    async holders() {
      return Object.entries(await holders()).map(([runId, takenAt]) => ({ runId, takenAt }));
    },
  };
}
