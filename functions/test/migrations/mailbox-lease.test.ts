import { isTerminalRunState } from '@app/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Table } from '../../src/adapters/dynamodb/table.ts';
import { mailboxLeaseKey, WAITING_FOR_MAILBOX } from '../../src/modules/migrations/mailbox-lease.ts';
import type { JobRecord, RunRecord, TaskRunner } from '../../src/modules/migrations/ports.ts';
import { toRunView } from '../../src/modules/migrations/views.ts';
import { makeRunHeartbeat, type RunHeartbeat } from '../../src/modules/migrations/run-heartbeat.ts';
import type { MigrationEngine } from '../../src/platform/composition/migration-engine.ts';
import { buildMigrationStores, type MigrationStores } from '../../src/platform/composition/migration-stores.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { FakeClock } from '../support/test-runtime.ts';
import { buildTestEngine, dispatcher, quietLogger, sleep, startStore, testConfig, waitFor } from './engine-fixture.ts';

let n = 0;
async function server(stores: MigrationStores, host: string, port = 993) {
  const id = `srv_lease${(++n).toString().padStart(6, '0')}`;
  const now = new Date().toISOString();
  await stores.servers.create({ id, name: id, host, port, tls: 'ssl', verifyCert: true, notes: '', createdAt: now, updatedAt: now, version: 1 });
  return id;
}
async function job(stores: MigrationStores, destServerId: string, destUser: string): Promise<JobRecord> {
  const now = new Date().toISOString();
  const j: JobRecord = {
    id: `job_lease${(++n).toString().padStart(8, '0')}`,
    name: `to ${destUser}`,
    source: { serverId: 'srv_source', user: `src${n}`, sealedPassword: 'v1:local:x:y' },
    dest: { serverId: destServerId, user: destUser, sealedPassword: 'v1:local:x:y' },
    options: { includeFolders: [], excludeFolders: [], maxSizeBytes: null },
    createdAt: now,
    createdBy: 'test',
    updatedAt: now,
    version: 1,
    latestRunId: null,
    activeRunId: null,
  };
  await stores.jobs.create(j);
  return j;
}

/**
 * Workers that follow the worker's protocol through the same lease-renewing heartbeat the real worker uses:
 * starting → running with a heartbeat, a heartbeat mid-way, an end through finishRun, then "exit".
 * Counts how many are alive per destination mailbox at once.
 */
class MailboxFleet implements TaskRunner {
  alive = new Map<string, Set<string>>();
  maxPerMailbox = new Map<string, number>();
  maxAlive = 0;
  work = new Set<Promise<void>>();
  /** Waiting runs seen while another run of the same mailbox was alive: [runId, waitingReason]. */
  sawWaiting: [string, string | null | undefined][] = [];
  private heartbeat: RunHeartbeat;
  constructor(
    private stores: MigrationStores,
    private engine: () => MigrationEngine,
    private mailboxOf: (runId: string) => string,
    private peers: (runId: string) => string[],
  ) {
    this.heartbeat = makeRunHeartbeat({ ...stores, clock: systemClock });
  }
  async start(runId: string) {
    const w = this.simulate(runId);
    this.work.add(w);
    void w.finally(() => this.work.delete(w));
    return { taskRef: `fake:${runId}` };
  }
  async stop() {}
  async listRunning() {
    return [...this.alive.values()].flatMap((s) => [...s]).map((runId) => ({ runId, taskRef: `fake:${runId}` }));
  }
  private async simulate(runId: string) {
    const mailbox = this.mailboxOf(runId);
    const starting = await this.stores.runs.get(runId);
    const run = starting && (await this.heartbeat.start(starting));
    if (!run) return;
    const set = this.alive.get(mailbox) ?? new Set<string>();
    this.alive.set(mailbox, set);
    set.add(runId);
    this.maxPerMailbox.set(mailbox, Math.max(this.maxPerMailbox.get(mailbox) ?? 0, set.size));
    this.maxAlive = Math.max(this.maxAlive, [...this.alive.values()].reduce((a, s) => a + s.size, 0));
    await sleep(60);
    for (const peer of this.peers(runId)) {
      const p = await this.stores.runs.get(peer);
      if (p?.state === 'queued') this.sawWaiting.push([peer, toRunView(p).waitingReason]);
    }
    expect(await this.heartbeat.beat(runId)).toBeDefined();
    await sleep(60);
    set.delete(runId);
    await this.engine().finishRun(run, 'succeeded');
    await this.engine().handleWorkerGone(runId, 'exited');
  }
}

describe('one writer per destination mailbox (QM-6)', () => {
  let store: Awaited<ReturnType<typeof startStore>>;
  beforeAll(async () => {
    store = await startStore();
  });
  afterAll(() => store.close());

  it('normalises the destination: host case and trailing dot, user case and spaces; the port does not matter', () => {
    expect(mailboxLeaseKey('IMAP.Example.com.', ' Ann@Example.com ').key).toBe(mailboxLeaseKey('imap.example.com', 'ann@example.com').key);
    expect(mailboxLeaseKey('imap.example.com', 'ann@example.com').key).not.toBe(mailboxLeaseKey('imap.example.com', 'bob@example.com').key);
    expect(mailboxLeaseKey('imap.example.com', 'ann@example.com').key).not.toBe(mailboxLeaseKey('imap.example.org', 'ann@example.com').key);
    expect(mailboxLeaseKey('imap.example.com', 'ann@example.com').key).toMatch(/^[0-9a-f]{64}$/);
  });

  it('the lease store: free → taken; busy for others until it expires by our clock; renew and release only by the holder', async () => {
    const { leases } = store.stores;
    const t0 = new Date('2026-11-21T09:00:00Z');
    const at = (ms: number) => new Date(t0.getTime() + ms);
    expect(await leases.acquire('k1', 'run_a', t0, 60_000, 30_000, 'ann on imap')).toEqual({ ok: true });
    // Re-taking one's own lease works (a duplicate delivery); another run is refused and told who holds it until when.
    expect(await leases.acquire('k1', 'run_a', at(1000), 60_000, 30_000, 'ann on imap')).toEqual({ ok: true });
    expect(await leases.acquire('k1', 'run_b', at(2000), 60_000, 30_000, 'ann on imap')).toEqual({ ok: false, lease: { key: 'k1', holder: 'run_a', until: at(61_000), renewMs: 30_000 } });
    // A renewal pushes the end to now + renewMs, only for the holder.
    expect(await leases.renew('k1', 'run_b', at(3000))).toBe(false);
    expect(await leases.renew('k1', 'run_a', at(50_000))).toBe(true);
    expect((await leases.get('k1'))?.until).toEqual(at(80_000));
    expect((await leases.acquire('k1', 'run_b', at(79_999), 60_000, 30_000, 'x')).ok).toBe(false);
    // Expired by our own clock (no DynamoDB TTL involved): the next taker gets it, and the old holder cannot renew.
    expect(await leases.acquire('k1', 'run_b', at(80_001), 60_000, 30_000, 'x')).toEqual({ ok: true });
    expect(await leases.renew('k1', 'run_a', at(80_002))).toBe(false);
    await leases.release('k1', 'run_a');
    expect((await leases.get('k1'))?.holder).toBe('run_b');
    await leases.release('k1', 'run_b');
    expect(await leases.get('k1')).toBeUndefined();
    // The item never carries the table's TTL attribute: expiry is decided in the conditions, exactly.
    await leases.acquire('k2', 'run_c', t0, 1000, 1000, 'x');
    const { Item } = await store.table.doc.send(new GetCommand({ TableName: store.table.name, Key: { pk: 'MIGLEASE#k2', sk: 'LEASE' } }));
    expect(Item).not.toHaveProperty('expiresAt');
    expect(Item).toMatchObject({ holder: 'run_c', untilMs: t0.getTime() + 1000, renewMs: 1000, mailbox: 'x' });
  });

  it('three jobs into one mailbox (two server profiles, differently spelled) never run at once; the others wait visibly, then run; other mailboxes run alongside', async () => {
    const { stores, table } = store;
    await stores.settings.save({ concurrency: 4, version: 1 }, 0);
    const upper = await server(stores, 'IMAP.Example.com', 993);
    const lower = await server(stores, 'imap.example.com.', 143);
    const other = await server(stores, 'imap.other.test');
    const same = [await job(stores, upper, 'Ann@Example.com'), await job(stores, lower, 'ann@example.com'), await job(stores, upper, ' ann@EXAMPLE.com')];
    const elsewhere = [await job(stores, other, 'bob@other.test'), await job(stores, other, 'cyd@other.test')];
    const mailboxOfJob = new Map<string, string>([...same.map((j) => [j.id, 'ann'] as const), [elsewhere[0]!.id, 'bob'], [elsewhere[1]!.id, 'cyd']]);
    const runJob = new Map<string, string>();
    const box: { engine?: MigrationEngine } = {};
    const fleet = new MailboxFleet(
      stores,
      () => box.engine!,
      (runId) => mailboxOfJob.get(runJob.get(runId)!)!,
      (runId) => [...runJob.keys()].filter((r) => r !== runId && mailboxOfJob.get(runJob.get(r)!) === 'ann' && mailboxOfJob.get(runJob.get(runId)!) === 'ann'),
    );
    // Two dispatchers over one table, each message delivered to both (at-least-once, as two Lambdas would see it).
    const queues: { enqueue(id: string, d?: number): Promise<void> }[] = [];
    const both = { enqueue: async (id: string, d?: number) => void (await Promise.all(queues.map((q) => q.enqueue(id, d)))) };
    const a = dispatcher(table as Table, fleet, (q) => (queues.push(q), both));
    const b = dispatcher(table as Table, fleet, (q) => (queues.push(q), both));
    box.engine = a.engine;

    const runs: RunRecord[] = [];
    for (const j of [...same, ...elsewhere]) {
      const r = await a.engine.queueRun(j, 'full', { createdBy: 'test' });
      runJob.set(r.id, j.id);
      runs.push(r);
    }
    await waitFor('every run to end', async () => (await Promise.all(runs.map((r) => stores.runs.get(r.id)))).every((r) => r && isTerminalRunState(r.state)), 30_000);
    await Promise.all([a.queue.idle(), b.queue.idle(), ...fleet.work]);

    expect(fleet.maxPerMailbox.get('ann')).toBe(1);
    expect(fleet.maxAlive).toBeGreaterThanOrEqual(2);
    for (const r of runs) expect((await stores.runs.get(r.id))!.state).toBe('succeeded');
    // The waiting was real and visible: queued runs carried the reason while another one wrote into the mailbox.
    expect([...a.outcomes, ...b.outcomes].filter((o) => o.includes('same mailbox')).length).toBeGreaterThan(0);
    // (A peer not offered to a dispatcher yet is queued with no reason; one that was offered shows why it waits.)
    expect(fleet.sawWaiting.filter(([, reason]) => reason === WAITING_FOR_MAILBOX).length).toBeGreaterThan(0);
    expect(fleet.sawWaiting.every(([, reason]) => reason === WAITING_FOR_MAILBOX || reason === null)).toBe(true);
    // Once started, a run no longer shows a waiting reason; nothing is left held.
    for (const r of runs) expect(toRunView((await stores.runs.get(r.id))!).waitingReason).toBeNull();
    expect(await stores.leases.get(mailboxLeaseKey('imap.example.com', 'ann@example.com').key)).toBeUndefined();
    expect(await stores.slots.holders()).toEqual([]);
    await Promise.all([a.queue.close(), b.queue.close()]);
  });

  it("a dead holder's lease is taken over within two heartbeats, not before; the old worker, if it comes back, is told to stop", async () => {
    const clock = new FakeClock();
    const stores = buildMigrationStores(store.table);
    const heartbeat = makeRunHeartbeat({ ...stores, clock });
    const started: string[] = [];
    const runner: TaskRunner = { start: async (id) => (started.push(id), { taskRef: `fake:${id}` }), stop: async () => {}, listRunning: async () => [] };
    const sent: [string, number | undefined][] = [];
    const engine = buildTestEngine({ stores, queue: { enqueue: async (id, d) => void sent.push([id, d]) }, runner, config: { ...testConfig, MIGRATION_RETRY_DELAY_SECONDS: 15 }, clock, logger: quietLogger });
    const heartbeatMs = testConfig.MIGRATION_HEARTBEAT_SECONDS * 1000;
    const dest = await server(stores, 'imap.dead.test');
    const [j1, j2] = [await job(stores, dest, 'eve@dead.test'), await job(stores, dest, 'eve@dead.test')];
    const first = await engine.queueRun(j1!, 'full', { createdBy: 'test' });
    const second = await engine.queueRun(j2!, 'full', { createdBy: 'test' });

    // The first run starts; its worker reports running and sends one more heartbeat, then dies silently.
    expect((await engine.dispatch(first.id)).action).toBe('started');
    expect(await heartbeat.start((await stores.runs.get(first.id))!)).toBeDefined();
    clock.advance(heartbeatMs);
    expect(await heartbeat.beat(first.id)).toBeDefined();
    const lastBeat = clock.now().getTime();

    // Within two heartbeats of the last one the second run waits, told when to look again (never later than expiry).
    clock.advance(1);
    const waiting = await engine.dispatch(second.id);
    expect(waiting).toMatchObject({ action: 'retry' });
    expect(waiting.action === 'retry' && waiting.delaySeconds).toBeLessThanOrEqual((2 * heartbeatMs) / 1000);
    expect((await stores.runs.get(second.id))!.waitingReason).toBe(WAITING_FOR_MAILBOX);
    clock.advance(2 * heartbeatMs - 2);
    expect((await engine.dispatch(second.id)).action).toBe('retry');
    expect(started).toEqual([first.id]);

    // Two heartbeats after the last one, the lease is free: the second run takes it over and starts.
    clock.advance(2);
    expect(clock.now().getTime() - lastBeat).toBeLessThanOrEqual(2 * heartbeatMs + 1);
    expect((await engine.dispatch(second.id)).action).toBe('started');
    expect(started).toEqual([first.id, second.id]);
    const key = mailboxLeaseKey('imap.dead.test', 'eve@dead.test').key;
    expect((await stores.leases.get(key))?.holder).toBe(second.id);
    expect((await stores.runs.get(second.id))!.waitingReason).toBeNull();

    // The first worker was only frozen: its next heartbeat finds the lease gone and reads "stop" (undefined).
    clock.advance(1000);
    expect(await heartbeat.beat(first.id)).toBeUndefined();
    // …and its end does not release the lease the second run now holds.
    await engine.finishRun((await stores.runs.get(first.id))!, 'interrupted');
    expect((await stores.leases.get(key))?.holder).toBe(second.id);
    await engine.finishRun((await stores.runs.get(second.id))!, 'workerGone');
    expect(await stores.leases.get(key)).toBeUndefined();
  });

  it('a holder that ended without releasing (crash between writes) does not block the mailbox', async () => {
    const clock = new FakeClock();
    const stores = buildMigrationStores(store.table);
    const runner: TaskRunner = { start: async (id) => ({ taskRef: `fake:${id}` }), stop: async () => {}, listRunning: async () => [] };
    const engine = buildTestEngine({ stores, queue: { enqueue: async () => {} }, runner, config: testConfig, clock, logger: quietLogger });
    const dest = await server(stores, 'imap.crash.test');
    const [j1, j2] = [await job(stores, dest, 'fay@crash.test'), await job(stores, dest, 'fay@crash.test')];
    const first = await engine.queueRun(j1!, 'full', { createdBy: 'test' });
    expect((await engine.dispatch(first.id)).action).toBe('started');
    // The run ended by a bare transition: its lease (held for the whole start timeout) was never released.
    await stores.runs.transition(first.id, 'startGaveUp', { endedAt: clock.now().toISOString() });
    await stores.slots.release(first.id);
    const second = await engine.queueRun(j2!, 'full', { createdBy: 'test' });
    expect((await engine.dispatch(second.id)).action).toBe('started');
    expect((await stores.leases.get(mailboxLeaseKey('imap.crash.test', 'fay@crash.test').key))?.holder).toBe(second.id);
  });
});
