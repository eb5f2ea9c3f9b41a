import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startPendingFixture, type PendingFixture } from '../pending-actions/pending-fixture.ts';

const HOUR = 3600_000;
const by = 'owner@example.com';

// Checklist DA-3: scheduler events that arrive for a cancelled action, too early, or very late.
describe('stale, early and late scheduler events', () => {
  let f: PendingFixture;
  beforeAll(async () => {
    f = await startPendingFixture();
    await f.refreshCache();
  });
  afterAll(() => f.close());
  beforeEach(() => f.sandbox.clearRequests());

  const request = (address: string) => f.pending.requestOnce({ kind: 'delete-user', target: address, label: `Delete user ${address}`, requestedBy: by });

  it('(a) an event for a cancelled action is a no-op: nothing deleted, no execution entry, still cancelled', async () => {
    const { action } = await request('hiro@northwind.example');
    await f.pending.cancel(action.id, by);
    f.clock.advance(25 * HOUR);
    expect(await f.pending.executeDue(action.id)).toBe('skipped');
    expect(await f.pending.executeDue(action.id)).toBe('skipped');
    expect(f.deleteCalls('deleteUser')).toEqual([]);
    expect((await f.executionEntries()).filter((e) => e.target === action.label)).toEqual([]);
    expect((await f.store.get(action.id))?.status).toBe('cancelled');
  });

  it('(b) an event that fires before executeAt (more than 60 s early) does nothing and leaves the action pending', async () => {
    const { action } = await request('ines@northwind.example');
    f.clock.advance(24 * HOUR - 61_000);
    expect(await f.pending.executeDue(action.id)).toBe('not-due');
    expect(f.deleteCalls('deleteUser')).toEqual([]);
    expect((await f.store.get(action.id))?.status).toBe('pending');
    await f.pending.cancel(action.id, by);
  });

  it('(d) an event 20 hours late executes once (documented policy), and a later replay is a no-op', async () => {
    const { action } = await request('jonas@northwind.example');
    f.clock.advance(44 * HOUR);
    expect(await f.pending.executeDue(action.id)).toBe('done');
    f.clock.advance(30 * HOUR);
    expect(await f.pending.executeDue(action.id)).toBe('skipped');
    expect(f.deleteCalls('deleteUser')).toEqual([expect.objectContaining({ body: { userName: 'jonas@northwind.example' } })]);
    expect((await f.executionEntries()).filter((e) => e.target === action.label)).toHaveLength(1);
  });
});
