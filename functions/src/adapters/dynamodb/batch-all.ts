import {
  BatchGetCommand,
  BatchWriteCommand,
  type BatchGetCommandInput,
  type BatchGetCommandOutput,
  type BatchWriteCommandInput,
  type BatchWriteCommandOutput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';

/*
 * BatchGetItem and BatchWriteItem succeed with part of the request left over (UnprocessedKeys / UnprocessedItems)
 * when a partition is throttled or a response would pass 16 MB: a caller that ignores them silently reads or deletes
 * less than it asked for. These helpers send what is left again, with exponential backoff and jitter, as the
 * DynamoDB guide asks, and fail with a clear error if DynamoDB keeps some back. The SDK retries failed calls, not
 * a call that succeeded with part of the work left over: that is this file's job.
 */

/** What the helpers need of the document client (a test passes a scripted one). */
export type BatchSender = Pick<DynamoDBDocumentClient, 'send'>;

type Keys = NonNullable<BatchGetCommandInput['RequestItems']>[string];
type WriteRequests = NonNullable<BatchWriteCommandInput['RequestItems']>[string];

export interface BatchRetryOptions {
  /** Calls in flight at once, each with its own chunk. @default 1 */
  readonly concurrency?: number;
  /** Sends of one chunk before giving up (the first included). @default 10 */
  readonly maxAttempts?: number;
  /** Waits before a resend; a test passes its own. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

const BATCH_GET_KEYS = 100;
const BATCH_WRITE_ITEMS = 25;
const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** 25, 50, 100 … ms, capped at 2 s, with full jitter. */
const backoff = (attempt: number) => Math.random() * Math.min(2000, 25 * 2 ** attempt);

const chunks = <T>(xs: readonly T[], n: number): T[][] => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));

async function eachChunk<T>(all: readonly T[], size: number, concurrency: number, work: (chunk: T[]) => Promise<void>): Promise<void> {
  const queue = chunks(all, size);
  const worker = async () => {
    for (let chunk = queue.shift(); chunk; chunk = queue.shift()) await work(chunk);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, queue.length)) }, worker));
}

/**
 * Every item of `keys` that exists (100 keys per BatchGetItem), in no particular order; `read` carries the
 * projection and consistency of the request.
 * @example const items = await batchGetAll(doc, TableName, keys, { ConsistentRead: true });
 */
export async function batchGetAll(
  doc: BatchSender,
  tableName: string,
  keys: NonNullable<Keys['Keys']>,
  read: Omit<Keys, 'Keys'> = {},
  opts: BatchRetryOptions = {},
): Promise<Record<string, unknown>[]> {
  const { maxAttempts = 10, sleep = defaultSleep } = opts;
  const items: Record<string, unknown>[] = [];
  await eachChunk(keys, BATCH_GET_KEYS, opts.concurrency ?? 1, async (chunk) => {
    let pending: Keys['Keys'] = chunk;
    for (let attempt = 1; pending?.length; attempt++) {
      if (attempt > maxAttempts) throw new Error(`DynamoDB left ${pending.length} of ${chunk.length} keys unprocessed after ${maxAttempts} batch reads.`);
      if (attempt > 1) await sleep(backoff(attempt - 1));
      const out: BatchGetCommandOutput = await doc.send(new BatchGetCommand({ RequestItems: { [tableName]: { ...read, Keys: pending } } }));
      items.push(...(out.Responses?.[tableName] ?? []));
      pending = out.UnprocessedKeys?.[tableName]?.Keys;
    }
  });
  return items;
}

/**
 * Sends every put and delete request (25 per BatchWriteItem). BatchWrite is never conditional: use it only where
 * overwriting or deleting regardless of the current item is right.
 * @example await batchWriteAll(doc, TableName, runs.map((r) => ({ DeleteRequest: { Key: key(r.id) } })));
 */
export async function batchWriteAll(doc: BatchSender, tableName: string, requests: WriteRequests, opts: BatchRetryOptions = {}): Promise<void> {
  const { maxAttempts = 10, sleep = defaultSleep } = opts;
  await eachChunk(requests, BATCH_WRITE_ITEMS, opts.concurrency ?? 1, async (chunk) => {
    let pending: WriteRequests | undefined = chunk;
    for (let attempt = 1; pending?.length; attempt++) {
      if (attempt > maxAttempts) throw new Error(`DynamoDB left ${pending.length} of ${chunk.length} writes unprocessed after ${maxAttempts} batch writes.`);
      if (attempt > 1) await sleep(backoff(attempt - 1));
      const out: BatchWriteCommandOutput = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = out.UnprocessedItems?.[tableName];
    }
  });
}
