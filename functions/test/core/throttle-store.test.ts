import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoThrottleStore } from '../../src/adapters/dynamodb/dynamodb-throttle-store.ts';
import { startLocalDynamo } from '../../src/adapters/dynamodb/local-dynalite.ts';

const HOUR = 3_600_000;

// The counters behind every throttle (issue 15): reservations are conditional writes, parallel ones never pass a
// limit, and nothing is reset or given back without a condition on the current value. Against dynalite.
describe('throttle store (dynalite)', () => {
  let dynamo: Awaited<ReturnType<typeof startLocalDynamo>>;
  let store: ReturnType<typeof createDynamoThrottleStore>;
  const t0 = Date.parse('2026-11-21T09:00:00Z');
  beforeAll(async () => {
    dynamo = await startLocalDynamo({ tableName: 'throttle-store' });
    store = createDynamoThrottleStore(dynamo.table);
  });
  afterAll(() => dynamo.close());

  it('50 parallel reservations against a limit of 7 (no bucket yet): exactly 7 succeed and the count is 7', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, () => store.reserve('w#a', t0, HOUR, 7)));
    expect(results.filter((r) => r.ok)).toHaveLength(7);
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.retryAt === t0 + HOUR)).toBe(true);
    expect((await store.get('w#a'))!.failures).toBe(7);
  });

  it('a new window starts only once the old one ended, under parallel requests too; a release from an old window is ignored', async () => {
    const old = await store.get('w#a');
    const later = t0 + HOUR + 1;
    const results = await Promise.all(Array.from({ length: 20 }, () => store.reserve('w#a', later, HOUR, 7)));
    expect(results.filter((r) => r.ok)).toHaveLength(7);
    expect((await store.get('w#a'))).toMatchObject({ failures: 7, windowStartedAt: later });
    await store.release('w#a', old!.windowStartedAt);
    expect((await store.get('w#a'))!.failures).toBe(7);
    await store.release('w#a', later);
    expect((await store.get('w#a'))!.failures).toBe(6);
  });

  it('30 parallel consecutive reservations: each counted once, the lock from the 5th on, then refused until it ends', async () => {
    const lockFor = (count: number) => (count >= 5 ? t0 + 30_000 : 0);
    const results = await Promise.all(Array.from({ length: 30 }, () => store.reserveConsecutive('c#a', t0, lockFor)));
    const ok = results.filter((r) => r.ok);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    expect(ok.length).toBeLessThanOrEqual(5);
    expect(new Set(ok.map((r) => r.ok && r.count)).size).toBe(ok.length);
    expect((await store.get('c#a'))!.failures).toBe(ok.length);
  });

  it('clears or restores a streak only if its count is still the one reserved; a streak idle for 24 h starts over', async () => {
    const first = await store.reserveConsecutive('c#b', t0, () => 0);
    const second = await store.reserveConsecutive('c#b', t0, () => 0);
    if (!first.ok || !second.ok) throw new Error('reserved');
    expect(await store.clearIf('c#b', first.count)).toBe(false);
    expect(await store.restoreConsecutive('c#b', first.count, first.previous)).toBe(false);
    expect((await store.get('c#b'))!.failures).toBe(2);
    const dayLater = await store.reserveConsecutive('c#b', t0 + 24 * HOUR + 1, () => 0);
    expect(dayLater).toMatchObject({ ok: true, count: 1 });
    expect(await store.clearIf('c#b', 1)).toBe(true);
    expect(await store.get('c#b')).toBeUndefined();
  });
});
