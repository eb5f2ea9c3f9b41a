import { GetCommand, UpdateCommand, DeleteCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { ConsecutiveReservation, Refusal, ThrottleState, ThrottleStore, WindowReservation } from '../../modules/auth/ports.ts';
import { itemReader } from './stored-item.ts';
import { conditionalWrite } from './conditional-write.ts';
import { isConditionalCheckFailed, type Table } from './table.ts';

const key = (k: string) => ({ pk: `THROTTLE#${k}`, sk: 'THROTTLE' });

/** A bucket: windowed ones never set `lockedUntil`, consecutive ones set all three. */
const BucketItem = z.object({ failures: z.number().default(0), windowStartedAt: z.number().default(0), lockedUntil: z.number().default(0) }) satisfies z.ZodType<ThrottleState>;

/** Tries of the read-then-conditional-write loop of a consecutive bucket before a burst is refused as contention. */
const CONSECUTIVE_TRIES = 40;
/** Rounds of a windowed write racing window starts; each lost round means another request changed the bucket. */
const WINDOW_TRIES = 20;
const jitter = () => new Promise((r) => setTimeout(r, Math.random() * 15));
/** A consecutive streak whose last attempt is older than this has ended (checked here; the TTL may lag by days). */
const STREAK_MS = 24 * 3_600_000;

/**
 * Throttle buckets and rate counters. Every change is one conditional UpdateItem (never a blind overwrite), so
 * parallel requests all count: a bucket starts a new window only on the condition that none exists or the old
 * one ended, and a count is only given back or cleared on the condition that it is still the one reserved.
 */
export function createDynamoThrottleStore(table: Table): ThrottleStore {
  const { doc, name: TableName } = table;
  const buckets = itemReader(table, 'throttle bucket', BucketItem);
  const toState = (item: Record<string, unknown> | undefined) => (item ? buckets.one(item) : undefined);
  const get = async (k: string) => toState((await doc.send(new GetCommand({ TableName, Key: key(k), ConsistentRead: true }))).Item);

  /** Starts a new window at `count` if there is no bucket or its window ended; false when another request started one first. */
  const startWindow = async (k: string, now: number, windowMs: number) => {
    const out = await doc
      .send(
        new UpdateCommand({
          TableName,
          Key: key(k),
          UpdateExpression: 'SET failures = :one, windowStartedAt = :now, expiresAt = :e',
          ConditionExpression: 'attribute_not_exists(pk) OR windowStartedAt <= :windowFloor',
          ExpressionAttributeValues: { ':one': 1, ':now': now, ':windowFloor': now - windowMs, ':e': Math.ceil((now + windowMs + 3_600_000) / 1000) },
          ReturnValues: 'ALL_NEW',
        }),
      )
      .catch((err: unknown) => {
        if (isConditionalCheckFailed(err)) return undefined;
        throw err;
      });
    return out ? toState(out.Attributes) : undefined;
  };

  /** One more in the current window, if `limit` allows (no limit: always); undefined when the window ended or the limit is reached. */
  const addInWindow = async (k: string, now: number, windowMs: number, limit?: number) => {
    const out = await doc
      .send(
        new UpdateCommand({
          TableName,
          Key: key(k),
          UpdateExpression: 'ADD failures :one SET expiresAt = :e',
          ConditionExpression: `windowStartedAt > :windowFloor${limit === undefined ? '' : ' AND failures < :limit'}`,
          ExpressionAttributeValues: { ':one': 1, ':e': Math.ceil((now + windowMs + 3_600_000) / 1000), ':windowFloor': now - windowMs, ...(limit === undefined ? {} : { ':limit': limit }) },
          ReturnValues: 'ALL_NEW',
        }),
      )
      .catch((err: unknown) => {
        if (isConditionalCheckFailed(err)) return undefined;
        throw err;
      });
    return out ? toState(out.Attributes) : undefined;
  };

  return {
    get,

    async addFailure(k, now, windowMs) {
      for (let i = 0; i < WINDOW_TRIES; i++) {
        const state = (await addInWindow(k, now, windowMs)) ?? (await startWindow(k, now, windowMs));
        if (state) return state;
        // Another request started the new window between our two writes: count in it.
      }
      throw new Error(`Throttle bucket ${k} kept changing under ${WINDOW_TRIES} tries.`);
    },

    async reserve(k, now, windowMs, limit): Promise<WindowReservation | Refusal> {
      for (let i = 0; i < WINDOW_TRIES; i++) {
        const added = await addInWindow(k, now, windowMs, limit);
        if (added) return { ok: true, count: added.failures, windowStartedAt: added.windowStartedAt };
        const state = await get(k);
        if (state && state.windowStartedAt > now - windowMs) {
          // The window is current, so the limit refused it (or a reservation was just given back: try again).
          if (state.failures >= limit) return { ok: false, retryAt: state.windowStartedAt + windowMs };
          continue;
        }
        const started = await startWindow(k, now, windowMs);
        if (started) return { ok: true, count: started.failures, windowStartedAt: started.windowStartedAt };
      }
      return { ok: false, retryAt: now + 1_000 };
    },

    async release(k, windowStartedAt) {
      await conditionalWrite(() =>
        doc.send(
          new UpdateCommand({
            TableName,
            Key: key(k),
            UpdateExpression: 'ADD failures :minus',
            ConditionExpression: 'windowStartedAt = :w AND failures > :zero',
            ExpressionAttributeValues: { ':minus': -1, ':w': windowStartedAt, ':zero': 0 },
          }),
        ),
      );
    },

    async reserveConsecutive(k, now, lockFor): Promise<ConsecutiveReservation | Refusal> {
      for (let i = 0; i < CONSECUTIVE_TRIES; i++) {
        if (i > 0) await jitter();
        const state = await get(k);
        if (state && state.lockedUntil > now) return { ok: false, retryAt: state.lockedUntil };
        const ended = !state || state.windowStartedAt <= now - STREAK_MS;
        const previous = { failures: ended ? 0 : state.failures, lockedUntil: ended ? 0 : state.lockedUntil };
        const count = previous.failures + 1;
        // The lock this attempt leaves if it fails is set now, before anything is checked: parallel attempts
        // see it at once instead of after the password check.
        const lockedUntil = lockFor(count) || previous.lockedUntil;
        const ok = await conditionalWrite(() =>
          doc.send(
            new UpdateCommand({
              TableName,
              Key: key(k),
              // windowStartedAt: the last attempt of the streak.
              UpdateExpression: 'SET failures = :count, lockedUntil = :lock, windowStartedAt = :now, expiresAt = :e',
              ConditionExpression: state ? 'failures = :seen' : 'attribute_not_exists(pk)',
              ExpressionAttributeValues: {
                ':count': count,
                ':lock': lockedUntil,
                ':now': now,
                ':e': Math.ceil(Math.max(now + 86_400_000, lockedUntil + 86_400_000) / 1000),
                ...(state ? { ':seen': state.failures } : {}),
              },
            }),
          ),
        );
        if (ok) return { ok: true, count, previous };
      }
      // Still losing the race after many tries: a burst on one account; refuse like a lock.
      return { ok: false, retryAt: now + 1_000 };
    },

    async restoreConsecutive(k, count, previous) {
      return conditionalWrite(() =>
        doc.send(
          new UpdateCommand({
            TableName,
            Key: key(k),
            UpdateExpression: 'SET failures = :f, lockedUntil = :l',
            ConditionExpression: 'failures = :count',
            ExpressionAttributeValues: { ':f': previous.failures, ':l': previous.lockedUntil, ':count': count },
          }),
        ),
      );
    },

    async clearIf(k, count) {
      return conditionalWrite(() => doc.send(new DeleteCommand({ TableName, Key: key(k), ConditionExpression: 'failures = :count', ExpressionAttributeValues: { ':count': count } })));
    },
  };
}
