import { randomBytes } from 'node:crypto';

/** Time-ordered, unguessable batch ids, in the same shape as job and run ids. */
export const newBatchId = (now: Date): string => `bat_${now.getTime().toString(36)}${randomBytes(10).toString('hex')}`;

export const BATCH_ID_PATTERN = /^bat_[0-9a-z]{8,40}$/;

/** Runs `fn` over `items` with at most `limit` in flight, keeping the order of results. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
