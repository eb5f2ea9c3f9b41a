import { describe, expect, it } from 'vitest';
import { TooManyRequestsError } from '../errors.ts';
import { createScryptPasswordHasher } from './scrypt-password-hasher.ts';
import { makeWorkLimiter } from './work-limiter.ts';

// Issue 15 (low): 25 parallel sign-ins ran 25 scrypt jobs at once and stalled the local server; now bounded.
describe('work limiter', () => {
  it('runs at most `concurrency` jobs, queues `maxWaiting` in order, refuses the rest with 429', async () => {
    const limiter = makeWorkLimiter({ concurrency: 2, maxWaiting: 3 });
    let active = 0;
    let peak = 0;
    const order: number[] = [];
    const gates: (() => void)[] = [];
    const job = (i: number) => () =>
      new Promise<number>((resolve) => {
        active++;
        peak = Math.max(peak, active);
        order.push(i);
        gates.push(() => {
          active--;
          resolve(i);
        });
      });
    const results = Array.from({ length: 7 }, (_, i) => limiter.run(job(i)).then((v) => ({ ok: v }), (e: unknown) => ({ err: e })));
    await new Promise((r) => setTimeout(r, 10));
    expect(limiter.load()).toEqual({ running: 2, waiting: 3 });
    while (gates.length) {
      gates.shift()!();
      await new Promise((r) => setTimeout(r, 1));
    }
    const settled = await Promise.all(results);
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(settled.slice(5).every((s) => 'err' in s && s.err instanceof TooManyRequestsError)).toBe(true);
    expect(limiter.load()).toEqual({ running: 0, waiting: 0 });
  });

  it('the scrypt hasher: 25 verifications at once run 2 at a time, 16 wait, 7 get 429; a failed job frees its slot', async () => {
    const hasher = createScryptPasswordHasher(10);
    const stored = await hasher.hash('a long enough passphrase 1');
    const outcomes = await Promise.allSettled(Array.from({ length: 25 }, () => hasher.verify('a long enough passphrase 1', stored)));
    expect(outcomes.filter((o) => o.status === 'fulfilled' && o.value === true)).toHaveLength(18);
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(refused).toHaveLength(7);
    expect(refused.every((o) => o.reason instanceof TooManyRequestsError && o.reason.message.includes('busy'))).toBe(true);
    // A hash that cannot be computed (maxmem) fails, and the next ones still run.
    await expect(hasher.verify('x', 'scrypt$30$8$1$AAAA$AAAA')).rejects.toThrow();
    await expect(hasher.verify('a long enough passphrase 1', stored)).resolves.toBe(true);
  });
});
