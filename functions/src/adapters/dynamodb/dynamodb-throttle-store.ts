import { DeleteCommand, GetCommand, UpdateCommand } from './document-commands.ts';
import type { ThrottleState, ThrottleStore } from '../../modules/auth/ports.ts';
import { isConditionalCheckFailed, type Table } from './table.ts';

const key = (k: string) => ({ pk: `THROTTLE#${k}`, sk: 'THROTTLE' });

const toState = (item: Record<string, unknown> | undefined): ThrottleState | undefined =>
  item ? { failures: Number(item.failures ?? 0), windowStartedAt: Number(item.windowStartedAt ?? 0), lockedUntil: Number(item.lockedUntil ?? 0) } : undefined;

/** Login throttle buckets. Every change is a single atomic UpdateItem, so concurrent failures all count. */
export function createDynamoThrottleStore(table: Table): ThrottleStore {
  const { doc, name: TableName } = table;
  return {
    async get(k) {
      const { Item } = await doc.send(new GetCommand({ TableName, Key: key(k), ConsistentRead: true }));
      return toState(Item);
    },
    async addFailure(k, now, windowMs) {
      const expiresAt = Math.ceil((now + windowMs + 3_600_000) / 1000);
      try {
        // Same window: count one more.
        const out = await doc.send(
          new UpdateCommand({
            TableName,
            Key: key(k),
            UpdateExpression: 'ADD failures :one SET expiresAt = :e',
            ConditionExpression: 'windowStartedAt > :windowFloor',
            ExpressionAttributeValues: { ':one': 1, ':e': expiresAt, ':windowFloor': now - windowMs },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return toState(out.Attributes)!;
      } catch (err) {
        if (!isConditionalCheckFailed(err)) throw err;
      }
      // No bucket, or its window ended: start a new window at one failure (keeping any lock in force).
      const out = await doc.send(
        new UpdateCommand({
          TableName,
          Key: key(k),
          UpdateExpression: 'SET failures = :one, windowStartedAt = :now, expiresAt = :e',
          ExpressionAttributeValues: { ':one': 1, ':now': now, ':e': expiresAt },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toState(out.Attributes)!;
    },
    async lockUntil(k, until) {
      await doc.send(
        new UpdateCommand({
          TableName,
          Key: key(k),
          UpdateExpression: 'SET lockedUntil = :u, expiresAt = :e',
          ExpressionAttributeValues: { ':u': until, ':e': Math.ceil(until / 1000) + 86_400 },
        }),
      );
    },
    async clear(k) {
      await doc.send(new DeleteCommand({ TableName, Key: key(k) }));
    },
  };
}
