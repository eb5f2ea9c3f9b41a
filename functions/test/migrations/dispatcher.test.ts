import { isTerminalRunState } from '@app/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Table } from '../../src/adapters/dynamodb/table.ts';
import type { JobQueue, TaskRunner } from '../../src/modules/migrations/ports.ts';
import type { MigrationEngine } from '../../src/platform/composition/migration-engine.ts';
import type { MigrationStores } from '../../src/platform/composition/migration-stores.ts';
import { emitNowhere } from '../../src/modules/events.ts';
import { makeFinishRun } from '../../src/modules/migrations/finish-run.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { dispatcher, makeJob, sleep, startStore, waitFor } from './engine-fixture.ts';

/**
 * A fake TaskRunner whose "workers" follow the real protocol against the real store: starting → running by
 * conditional write, a short random run, then the end through finishRun, then "process exit" → handleWorkerGone.
 * It records how many workers are alive at once. Some workers crash (exit without recording an end).
 */
class FakeFleet implements TaskRunner {
  alive = new Set<string>();
  maxAlive = 0;
  starts = new Map<string, number>();
  failNextStarts = 0;
  crash = new Set<string>();
  work = new Set<Promise<void>>();
  constructor(
    private stores: MigrationStores,
    private engine: () => MigrationEngine,
  ) {}
  async start(runId: string) {
    if (this.failNextStarts > 0) {
      this.failNextStarts--;
      throw new Error('Capacity is unavailable at this time');
    }
    this.starts.set(runId, (this.starts.get(runId) ?? 0) + 1);
    if (this.alive.has(runId)) return { taskRef: `fake:${runId}` }; // clientToken: same task
    this.alive.add(runId);
    this.maxAlive = Math.max(this.maxAlive, this.alive.size);
    const w = this.simulate(runId);
    this.work.add(w);
    void w.finally(() => this.work.delete(w));
    return { taskRef: `fake:${runId}` };
  }
  async stop() {}
  async listRunning() {
    return [...this.alive].map((runId) => ({ runId, taskRef: `fake:${runId}` }));
  }
  private async simulate(runId: string) {
    await sleep(5 + Math.random() * 20);
    const run = await this.stores.runs.transition(runId, 'workerStarted', { heartbeatAt: new Date().toISOString() });
    await sleep(80 + Math.random() * 60);
    // A worker counts as running until it records its end; the slot is given back only after that write
    // (a crashed worker: until the engine learns it is gone).
    if (run && !this.crash.has(runId.replace(/-a\d+$/, ''))) {
      const outcome = Math.random() < 0.8 ? 'succeeded' : 'failed';
      this.alive.delete(runId);
      await this.engine().finishRun(run, outcome, { failureReason: outcome === 'failed' ? 'simulated failure' : null });
    }
    this.alive.delete(runId);
    await this.engine().handleWorkerGone(runId, 'The worker process exited before recording an end.');
  }
}

describe('dispatcher (QM-1, concurrency limit)', () => {
  let store: Awaited<ReturnType<typeof startStore>>;
  beforeAll(async () => {
    store = await startStore();
  });
  afterAll(() => store.close());

  it('20 runs, limit 3, duplicate deliveries to two dispatchers, crashed workers: never more than 3 alive, all end, no slot leaked', async () => {
    const { stores, table } = store;
    await stores.settings.save({ concurrency: 3, version: 1 }, 0);
    const box: { engine?: MigrationEngine } = {};
    const fleet = new FakeFleet(stores, () => box.engine!);
    // Every enqueue is delivered twice: once to each dispatcher.
    const queues: JobQueue[] = [];
    const both: JobQueue = { enqueue: async (id, d) => void (await Promise.all(queues.map((q) => q.enqueue(id, d)))) };
    const a = dispatcher(table as Table, fleet, (q) => (queues.push(q), both));
    const b = dispatcher(table as Table, fleet, (q) => (queues.push(q), both));
    box.engine = a.engine;

    const jobs = await Promise.all(Array.from({ length: 20 }, () => makeJob(stores)));
    fleet.failNextStarts = 2;
    const firstRuns = [];
    for (const [i, job] of jobs.entries()) {
      const run = await a.engine.queueRun(job, i % 4 === 0 ? 'dry' : 'full', { createdBy: 'test' });
      if (i === 3 || i === 11) fleet.crash.add(run.id);
      firstRuns.push(run);
    }

    const ended = await waitFor(
      'every job to come to rest',
      async () => {
        const all = await Promise.all(jobs.map(async (j) => stores.runs.listForJob(j.id)));
        // Every run ended, and every retry that was promised exists (and so has ended too).
        const done = all.every((runs) => runs.length > 0 && runs.every((r) => isTerminalRunState(r.state) && (r.state !== 'interrupted' || r.attempt >= 3 || r.retriedBy) && (!r.retriedBy || runs.some((x) => x.id === r.retriedBy))));
        return done && all;
      },
      30_000,
    );
    await Promise.all([a.queue.idle(), b.queue.idle(), ...fleet.work]);

    expect(fleet.maxAlive).toBeLessThanOrEqual(3);
    // The limit was actually contested, not just respected by luck: some deliveries found every slot busy.
    expect([...a.outcomes, ...b.outcomes].filter((o) => o.includes('slots are busy')).length).toBeGreaterThan(0);
    expect(await stores.slots.holders()).toEqual([]);
    // Each first run reached an end; crashed ones were interrupted and retried automatically.
    for (const first of firstRuns) {
      const r = (await stores.runs.get(first.id))!;
      expect(isTerminalRunState(r.state)).toBe(true);
      if (fleet.crash.has(first.id)) {
        expect(r.state).toBe('interrupted');
        expect(r.retriedBy).toBe(`${first.id}-a2`);
      }
    }
    // Duplicate deliveries never started a worker twice for one run.
    const total = ended.flat();
    for (const r of total) if (r.state !== 'queued') expect(fleet.starts.get(r.id) ?? 0).toBeLessThanOrEqual(1);
    // No job is left holding a finished run.
    for (const j of jobs) expect((await stores.jobs.get(j.id))!.activeRunId).toBeNull();
    await Promise.all([a.queue.close(), b.queue.close()]);
  });

  it('a lower limit applies at the next dispatch, without a restart', async () => {
    const { stores, table } = store;
    const current = (await stores.settings.get())!;
    await stores.settings.save({ concurrency: 1, version: current.version + 1 }, current.version);
    const box: { engine?: MigrationEngine } = {};
    const fleet = new FakeFleet(stores, () => box.engine!);
    const d = dispatcher(table as Table, fleet);
    box.engine = d.engine;
    const jobs = await Promise.all(Array.from({ length: 5 }, () => makeJob(stores)));
    const runs = await Promise.all(jobs.map((j) => d.engine.queueRun(j, 'full', { createdBy: 'test' })));
    await waitFor('all five to end', async () => (await Promise.all(runs.map((r) => stores.runs.get(r.id)))).every((r) => r && isTerminalRunState(r.state)));
    await Promise.all([d.queue.idle(), ...fleet.work]);
    expect(fleet.maxAlive).toBe(1);
    expect(await stores.slots.holders()).toEqual([]);
    await d.queue.close();
  });

  it('gives back a slot held by a hung run when all slots look busy: the run times out (watchdog), no automatic retry', async () => {
    const { stores, table } = store;
    const current = (await stores.settings.get())!;
    await stores.settings.save({ concurrency: 1, version: current.version + 1 }, current.version);
    // A run that "started" long ago and sent no heartbeat for an hour, holding the only slot.
    const job = await makeJob(stores);
    const box: { engine?: MigrationEngine } = {};
    const fleet = new FakeFleet(stores, () => box.engine!);
    // Dispatch is driven by hand here: the queue only records.
    const sent: string[] = [];
    const d = dispatcher(table as Table, fleet, () => ({ enqueue: async (id) => void sent.push(id) }));
    box.engine = d.engine;
    const stale = await d.engine.queueRun(job, 'full', { createdBy: 'test' });
    expect(await stores.slots.take(stale.id, 1, new Date())).toBe('taken');
    const old = new Date(Date.now() - 3600_000).toISOString();
    await stores.runs.transition(stale.id, 'dispatched', { startedAt: old });
    await stores.runs.transition(stale.id, 'workerStarted', { heartbeatAt: old });

    const other = await d.engine.queueRun(await makeJob(stores), 'full', { createdBy: 'test' });
    const out = await d.engine.dispatch(other.id);
    expect(out.action).toBe('started');
    const gone = (await stores.runs.get(stale.id))!;
    expect(gone.state).toBe('failed');
    expect(gone.outcome?.exitClass).toBe('timed_out');
    expect(gone.failureReason).toMatch(/^Timed out: Its worker sent no heartbeat for 10 min\./);
    // A hung run is not retried by itself (an admin decides); its job is free for that.
    expect(gone.retriedBy).toBeNull();
    expect(sent).not.toContain(`${stale.id}-a2`);
    expect((await stores.jobs.get(job.id))!.activeRunId).toBeNull();
    await waitFor('the started run to end', async () => (await stores.slots.holders()).length === 0);
    await Promise.all([...fleet.work]);
    await d.queue.close();
  });

  it('AWS: the task-stopped event of a run that ended offers the oldest waiting run once; an offer never breaks the limit', async () => {
    const { stores, table } = store;
    const current = (await stores.settings.get())!;
    await stores.settings.save({ concurrency: 1, version: current.version + 1 }, current.version);
    // The worker ends its run in its own process (no queue there); dispatch is driven by hand, the queue records.
    const offered: string[] = [];
    const started: string[] = [];
    const runner = { start: async (id: string) => (started.push(id), { taskRef: `arn:task/${id}` }), stop: async () => {}, listRunning: async () => [] };
    const d = dispatcher(table as Table, runner, () => ({ enqueue: async () => {}, offer: async (id) => void offered.push(id) }));
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await d.engine.queueRun(await makeJob(stores), 'full', { createdBy: 'test' }));
    const [first, second, third] = runs as [(typeof runs)[0], (typeof runs)[0], (typeof runs)[0]];
    expect((await d.engine.dispatch(first.id)).action).toBe('started');
    expect((await d.engine.dispatch(third.id)).action).toBe('retry');
    expect((await d.engine.dispatch(second.id)).action).toBe('retry');
    expect((await stores.waiting.oldest(10)).map((w) => w.runId)).toEqual([second.id, third.id]);

    const running = (await stores.runs.transition(first.id, 'workerStarted', { heartbeatAt: new Date().toISOString() }))!;
    await makeFinishRun({ ...stores, clock: systemClock, emit: emitNowhere })(running, 'succeeded');
    expect(offered).toEqual([]);
    await d.engine.handleWorkerGone(first.id, 'The worker task stopped (EssentialContainerExited).');
    // The oldest waiting run, once: it was queued first, even though it was turned away second.
    expect(offered).toEqual([second.id]);
    expect((await d.engine.dispatch(second.id)).action).toBe('started');
    expect((await stores.waiting.oldest(10)).map((w) => w.runId)).toEqual([third.id]);
    // A second offer (say a duplicate event) finds the only slot taken: the run stays queued, nothing more starts.
    await d.engine.handleWorkerGone(first.id, 'duplicate event');
    expect(offered).toEqual([second.id, third.id]);
    expect((await d.engine.dispatch(third.id)).action).toBe('retry');
    expect(started).toEqual([first.id, second.id]);
    expect((await stores.slots.holders()).map((h) => h.runId)).toEqual([second.id]);
    await d.engine.finishRun((await stores.runs.get(second.id))!, 'startGaveUp');
    await d.engine.finishRun((await stores.runs.get(third.id))!, 'cancelled');
    await d.queue.close();
  });
});
