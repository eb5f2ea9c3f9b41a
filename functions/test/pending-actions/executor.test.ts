import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError } from '../../src/modules/errors.ts';
import { startPendingFixture, type PendingFixture } from './pending-fixture.ts';

const DAY = 24 * 3600_000;
const by = 'owner@example.com';

describe('pending actions: request, cancel, execute', () => {
  let f: PendingFixture;
  beforeAll(async () => {
    f = await startPendingFixture();
    await f.refreshCache();
  });
  afterAll(() => f.close());
  beforeEach(() => f.sandbox.clearRequests());

  it('keeps one action per target: a second request returns the first', async () => {
    const first = await f.pending.requestOnce({ kind: 'delete-user', target: 'farid@northwind.example', label: 'Delete user farid@northwind.example', requestedBy: by });
    const second = await f.pending.requestOnce({ kind: 'delete-user', target: 'farid@northwind.example', label: 'Delete user farid@northwind.example', requestedBy: 'other@example.com' });
    expect(first.created).toBe(true);
    expect(second).toEqual({ action: first.action, created: false });
    expect(first.action.executeAt).toBe(new Date(f.clock.now().getTime() + DAY).toISOString());
    expect(f.scheduler.scheduled()).toContain(first.action.id);
    expect((await f.pending.listPending()).filter((a) => a.target === 'farid@northwind.example')).toHaveLength(1);
    expect(f.sandbox.requests()).toEqual([]);
    await f.pending.cancel(first.action.id, by);
  });

  it('takes a longer delay from the request (an off-boarding\'s N days), never a shorter one than the setting, and stores no delay field', async () => {
    const at = (hours: number) => new Date(f.clock.now().getTime() + hours * 3600_000).toISOString();
    const long = await f.pending.requestOnce({ kind: 'delete-user', target: 'ines@northwind.example', label: 'Delete user ines@northwind.example', requestedBy: by, delayHours: 30 * 24 });
    expect(long.action.executeAt).toBe(at(30 * 24));
    expect(Object.keys(long.action)).not.toContain('delayHours');
    const short = await f.pending.requestOnce({ kind: 'delete-user', target: 'jonas@northwind.example', label: 'Delete user jonas@northwind.example', requestedBy: by, delayHours: 1 });
    expect(short.action.executeAt).toBe(at(24));
    await expect(f.pending.requestOnce({ kind: 'delete-user', target: 'kamala@northwind.example', label: 'Delete user kamala@northwind.example', requestedBy: by, delayHours: -5 })).rejects.toThrow(/positive number of hours/);
    await f.pending.cancel(long.action.id, by);
    await f.pending.cancel(short.action.id, by);
  });

  it('executes a duplicated delivery once: one deleteUser, one audit entry', async () => {
    const { action } = await f.pending.requestOnce({ kind: 'delete-user', target: 'grace@northwind.example', label: 'Delete user grace@northwind.example', requestedBy: by });
    expect(await f.pending.executeDue(action.id)).toBe('not-due');
    f.clock.advance(DAY);
    const results = await Promise.all([f.pending.executeDue(action.id), f.pending.executeDue(action.id), f.pending.sweep()]);
    expect(results.filter((r) => r === 'done')).toHaveLength(1);
    expect(f.deleteCalls('deleteUser')).toEqual([expect.objectContaining({ body: { userName: 'grace@northwind.example' } })]);
    const entries = (await f.executionEntries()).filter((e) => e.target === action.label);
    expect(entries).toEqual([expect.objectContaining({ id: `pending:${action.id}:executed`, actor: 'system', result: 'ok' })]);
    expect((await f.store.get(action.id))?.status).toBe('done');
    expect((await f.cache.read()).users?.addresses).not.toContain('grace@northwind.example');
    // A late third delivery does nothing.
    expect(await f.pending.executeDue(action.id)).toBe('skipped');
    expect(f.deleteCalls('deleteUser')).toHaveLength(1);
  });

  it('counts a user already gone from PurelyMail as done', async () => {
    const { action } = await f.pending.requestOnce({ kind: 'delete-user', target: 'hiro@northwind.example', label: 'Delete user hiro@northwind.example', requestedBy: by });
    await f.purelymail.deleteUser({ userName: 'hiro@northwind.example' }); // someone used PurelyMail's console
    f.sandbox.clearRequests();
    f.clock.advance(DAY);
    expect(await f.pending.executeDue(action.id)).toBe('done');
    // "Already gone" is concluded from getUser only: listUser stops at 1,000 names.
    expect(f.sandbox.requests().map((r) => r.op)).toEqual(['deleteUser', 'getUser']);
    expect((await f.store.get(action.id))?.reason).toMatch(/already gone/);
  });

  it('refuses to delete a domain that still has users, with the count, at execution time', async () => {
    const { action } = await f.pending.requestOnce({ kind: 'delete-domain', target: 'pinecone.example', label: 'Delete domain pinecone.example', requestedBy: by });
    f.clock.advance(DAY);
    expect(await f.pending.executeDue(action.id)).toBe('failed');
    expect(f.sandbox.requests().map((r) => r.op)).toEqual(['listUser']);
    const failed = await f.store.get(action.id);
    expect(failed?.reason).toBe(
      'pinecone.example still has 6 users (ada@pinecone.example, ben@pinecone.example, cleo@pinecone.example, dmitri@pinecone.example, erin@pinecone.example and 1 more). Delete or move those users first: deleting a domain in PurelyMail also deletes its users and all their mail.',
    );
    const entry = (await f.executionEntries()).find((e) => e.id === `pending:${action.id}:executed`);
    expect(entry).toMatchObject({ result: 'failed', reason: failed?.reason });
  });

  it('deletes an empty domain with deleteDomain {name}', async () => {
    const { action } = await f.pending.requestOnce({ kind: 'delete-domain', target: 'lumen.example', label: 'Delete domain lumen.example', requestedBy: by });
    f.clock.advance(DAY);
    expect(await f.pending.executeDue(action.id)).toBe('done');
    expect(f.sandbox.requests().map((r) => ({ op: r.op, body: r.body }))).toEqual([
      { op: 'listUser', body: {} },
      { op: 'deleteDomain', body: { name: 'lumen.example' } },
      { op: 'listRoutingRules', body: {} },
    ]);
    expect((await f.cache.read()).domains?.domains.map((d) => d.name)).not.toContain('lumen.example');
  });

  it('deletes a routing rule by id, and counts a rule already gone as done', async () => {
    const { action } = await f.pending.requestOnce({ kind: 'delete-routing-rule', target: '5', label: 'press@bluefern.example → sam.former@bluefern.example', requestedBy: by });
    f.clock.advance(DAY);
    expect(await f.pending.executeDue(action.id)).toBe('done');
    expect(f.sandbox.requests().map((r) => ({ op: r.op, body: r.body }))).toEqual([{ op: 'deleteRoutingRule', body: { routingRuleId: 5 } }]);
    expect((await f.cache.read()).rules?.rules.map((r) => r.id)).not.toContain(5);

    const again = await f.pending.requestOnce({ kind: 'delete-routing-rule', target: '5', label: 'rule 5 again', requestedBy: by });
    expect(again.created).toBe(true);
    f.clock.advance(DAY);
    expect(await f.pending.executeDue(again.action.id)).toBe('done');
  });

  it('records PurelyMail being unreachable as a failure with the reason', async () => {
    const { action } = await f.pending.requestOnce({ kind: 'delete-user', target: 'ines@northwind.example', label: 'Delete user ines@northwind.example', requestedBy: by });
    f.clock.advance(DAY);
    f.sandbox.injectFault({ op: 'deleteUser', status: 503, count: 5 });
    expect(await f.pending.executeDue(action.id)).toBe('failed');
    f.sandbox.clearFaults();
    expect((await f.store.get(action.id))?.reason).toMatch(/could not be reached/);
    expect(f.sandbox.state.users['ines@northwind.example']).toBeDefined();
  });

  it('lets any admin cancel a pending action, never an executed one', async () => {
    const { action } = await f.pending.requestOnce({ kind: 'delete-user', target: 'jonas@northwind.example', label: 'Delete user jonas@northwind.example', requestedBy: by });
    const cancelled = await f.pending.cancel(action.id, 'second@example.com');
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelledBy: 'second@example.com' });
    expect(f.scheduler.scheduled()).not.toContain(action.id);
    await expect(f.pending.cancel(action.id, by)).rejects.toThrow(/already was cancelled by second@example.com/);
    f.clock.advance(DAY);
    expect(await f.pending.executeDue(action.id)).toBe('skipped');
    expect(f.deleteCalls('deleteUser')).toEqual([]);
    const overview = await f.pending.list();
    expect(overview.finished.map((a) => a.id)).toContain(action.id);
    await expect(f.pending.cancel('pa-unknown', by)).rejects.toThrow(/no such pending action/);
  });

  it('takes over an action whose executor died mid-run, after the stale-claim delay', async () => {
    const { action } = await f.pending.requestOnce({ kind: 'delete-user', target: 'kamala@northwind.example', label: 'Delete user kamala@northwind.example', requestedBy: by });
    f.clock.advance(DAY);
    const stored = (await f.store.get(action.id))!;
    // An executor claimed it and crashed before calling PurelyMail.
    await f.store.transition(stored, 'pending', { status: 'executing', claimedAt: f.clock.now().toISOString() });
    expect(await f.pending.sweep()).toBe(0);
    f.clock.advance(11 * 60_000);
    expect(await f.pending.sweep()).toBe(1);
    expect((await f.store.get(action.id))?.status).toBe('done');
    expect(f.deleteCalls('deleteUser')).toHaveLength(1);
  });

  it('cancel racing execution: exactly one outcome in 200 randomized interleavings', async () => {
    // A seeded generator keeps a failure reproducible.
    let seed = 0x5eed;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pause = async () => {
      const steps = Math.floor(random() * 6);
      for (let i = 0; i < steps; i++) await (random() < 0.5 ? Promise.resolve() : new Promise((r) => setImmediate(r)));
    };
    const tally = { executed: 0, cancelled: 0 };
    for (let i = 0; i < 200; i++) {
      const address = `race${i}@bluefern.example`;
      await f.purelymail.createUser({ userName: `race${i}`, domainName: 'bluefern.example', password: 'race-password-123456' });
      const { action } = await f.pending.requestOnce({ kind: 'delete-user', target: address, label: `Delete user ${address}`, requestedBy: by });
      f.clock.advance(DAY);
      f.sandbox.clearRequests();
      const [executed, cancel] = await Promise.all([
        pause().then(() => f.pending.executeDue(action.id)),
        pause().then(() => f.pending.cancel(action.id, by).then(() => 'cancelled' as const, (e: unknown) => e)),
      ]);
      const final = await f.store.get(action.id);
      const deletes = f.deleteCalls('deleteUser').length;
      if (executed === 'done') {
        expect(cancel, address).toBeInstanceOf(ConflictError);
        expect(final?.status).toBe('done');
        expect(deletes).toBe(1);
        expect(f.sandbox.state.users[address]).toBeUndefined();
        tally.executed++;
      } else {
        expect(executed, address).toBe('skipped');
        expect(cancel).toBe('cancelled');
        expect(final?.status).toBe('cancelled');
        expect(deletes).toBe(0);
        expect(f.sandbox.state.users[address]).toBeDefined();
        tally.cancelled++;
      }
    }
    const entries = (await f.executionEntries()).filter((e) => e.target.startsWith('Delete user race'));
    expect(entries).toHaveLength(tally.executed);
    // Both orders happened, so the race was really exercised.
    expect(tally.executed).toBeGreaterThan(0);
    expect(tally.cancelled).toBeGreaterThan(0);
  }, 120_000);
});
