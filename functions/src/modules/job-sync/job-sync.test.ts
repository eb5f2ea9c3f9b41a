import type { JobSyncSchedule, Run } from '@app/shared';
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../errors.ts';
import { createJsonLogger } from '../../platform/logger.ts';
import { makeJobSync, RUN_IN_PROGRESS } from './job-sync.ts';
import { countSyncRun, endIfPast, untilProblem } from './job-sync-rules.ts';
import type { JobSyncStore } from './ports.ts';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-12-01T09:00:00Z');

function memoryStore(): JobSyncStore & { items: Map<string, JobSyncSchedule> } {
  const items = new Map<string, JobSyncSchedule>();
  return {
    items,
    get: async (id) => items.get(id),
    listActive: async () => [...items.values()].filter((s) => s.state === 'active'),
    create: async (s) => (items.has(s.jobId) ? false : (items.set(s.jobId, s), true)),
    replace: async (next, v) => (items.get(next.jobId)?.version !== v ? false : (items.set(next.jobId, next), true)),
    remove: async (id) => void items.delete(id),
  };
}

const run = (id: string, state: Run['state'], extra: Partial<Run> = {}): Run =>
  ({ id, jobId: 'job_abcdefgh', kind: 'full', state, attempt: 1, retryOf: null, retriedBy: null, cancelRequested: false, createdAt: '', createdBy: '', startedAt: null, endedAt: '2026-12-01T10:00:00Z', heartbeatAt: null, progress: null, outcome: null, failureReason: state === 'failed' ? 'source login refused' : null, version: 1, ...extra }) as Run;

function setup(opts: { running?: boolean } = {}) {
  let t = T0;
  const store = memoryStore();
  const runs = new Map<string, Run>();
  const calls: string[] = [];
  const mails: string[] = [];
  let n = 0;
  const sync = makeJobSync({
    store,
    scheduler: { put: async (name, spec) => void calls.push(`put ${name} ${spec.everyMinutes} ${spec.until?.toISOString()}`), remove: async (name) => void calls.push(`remove ${name}`) },
    jobName: async (id) => (id === 'job_abcdefgh' || id === 'job_inmove01' ? 'Ann' : undefined),
    moveOf: async (id) => (id === 'job_inmove01' ? 'lumen.example' : null),
    startRun: async () => {
      if (opts.running) throw new ConflictError('This job already has a run in progress; cancel it or wait for it to end.', 'job_running');
      const id = `run_${++n}`;
      runs.set(id, run(id, 'queued'));
      return { id };
    },
    readRun: async (id) => runs.get(id),
    notify: async (m) => void mails.push(m.subject),
    audit: { record: async (e) => void calls.push(`audit ${e.action}`) },
    clock: { now: () => new Date(t) },
    logger: createJsonLogger({ level: 'silent' }),
    panelUrl: 'https://panel.example',
  });
  return { sync, store, runs, calls, mails, advance: (ms: number) => void (t += ms), until: (h: number) => new Date(t + h * HOUR).toISOString() };
}

describe('job sync rules', () => {
  it('wants an end date in the future and at most 30 days ahead', () => {
    const now = new Date(T0);
    expect(untilProblem(new Date(T0 - 1), now)).toBe('must be in the future');
    expect(untilProblem(new Date(T0 + 31 * 24 * HOUR), now)).toBe('must be at most 30 days ahead');
    expect(untilProblem(new Date(T0 + 30 * 24 * HOUR), now)).toBeNull();
  });

  it('counts only the awaited run once it ended; follows an automatic retry; stops at K failures in a row', async () => {
    const { sync, store } = setup();
    await sync.create('job_abcdefgh', { everyHours: 6, until: new Date(T0 + 48 * HOUR).toISOString() }, 'a@x');
    const s = { ...store.items.get('job_abcdefgh')!, currentRunId: 'run_9', consecutiveFailures: 2 };
    const now = new Date(T0);
    expect(countSyncRun(s, run('run_9', 'running'), now).counted).toBe(false);
    expect(countSyncRun(s, run('run_8', 'failed'), now).counted).toBe(false);
    expect(countSyncRun(s, run('run_9', 'interrupted', { retriedBy: 'run_10' }), now).schedule.currentRunId).toBe('run_10');
    expect(countSyncRun(s, run('run_9', 'succeeded'), now).schedule).toMatchObject({ consecutiveFailures: 0, state: 'active', currentRunId: null });
    const stopped = countSyncRun(s, run('run_9', 'failed'), now);
    expect(stopped).toMatchObject({ stoppedNow: true, schedule: { state: 'stopped', consecutiveFailures: 3, nextAt: null } });
    expect(stopped.schedule.stoppedReason).toBe('Stopped after 3 failed passes in a row; the last one (run run_9) said: source login refused');
    expect(endIfPast(s, new Date(T0 + 49 * HOUR))).toMatchObject({ state: 'ended', nextAt: null });
    expect(endIfPast(s, new Date(T0 + 47 * HOUR))).toBe(s);
  });
});

describe('job sync', () => {
  it('puts one schedule with the end date as `until` and the job-sync event name', async () => {
    const { sync, calls, until } = setup();
    const u = until(24);
    await sync.create('job_abcdefgh', { everyHours: 4, until: u }, 'a@x');
    expect(calls).toEqual([`put sync-job_abcdefgh 240 ${u}`]);
    await expect(sync.create('job_abcdefgh', { everyHours: 4, until: u }, 'a@x')).rejects.toMatchObject({ code: 'sync_exists' });
  });

  it('refuses a job of a domain move with a sentence', async () => {
    const { sync, until } = setup();
    await expect(sync.create('job_inmove01', { everyHours: 6, until: until(24) }, 'a@x')).rejects.toThrow("the move's passes already keep it in sync");
  });

  it('says "skipped: a run is in progress" when the job is busy, and starts nothing', async () => {
    const { sync, store, until, advance } = setup({ running: true });
    await sync.create('job_abcdefgh', { everyHours: 6, until: until(24) }, 'a@x');
    advance(6 * HOUR);
    expect(await sync.tick('job_abcdefgh')).toEqual({ jobId: 'job_abcdefgh', did: RUN_IN_PROGRESS });
    expect(store.items.get('job_abcdefgh')).toMatchObject({ passesDone: 0, lastSkip: 'skipped: a run is in progress', currentRunId: null });
  });

  it('a duplicate delivery within half an interval is not a second pass; a failure run ended later is counted on RunEnded', async () => {
    const { sync, store, runs, until, advance, mails, calls } = setup();
    await sync.create('job_abcdefgh', { everyHours: 6, until: until(48) }, 'a@x');
    for (let i = 1; i <= 3; i++) {
      advance(6 * HOUR);
      await sync.tick('job_abcdefgh');
      expect(await sync.tick('job_abcdefgh')).toMatchObject({ did: 'pass skipped: one ran less than half an interval ago' });
      runs.set(`run_${i}`, run(`run_${i}`, 'failed'));
      await sync.onRunEnded(`run_${i}`);
    }
    expect(store.items.get('job_abcdefgh')).toMatchObject({ state: 'stopped', passesDone: 3, consecutiveFailures: 3 });
    expect(mails).toEqual(['Job Ann: keeping in sync stopped after 3 failed passes']);
    expect(calls.filter((c) => c.startsWith('remove') || c.startsWith('audit'))).toEqual(['remove sync-job_abcdefgh', 'audit migration.sync_schedule.stop']);
    // A late firing of a stopped schedule removes it and starts nothing.
    advance(6 * HOUR);
    expect(await sync.tick('job_abcdefgh')).toMatchObject({ did: 'schedule removed: it is stopped' });
    expect(runs.size).toBe(3);
  });

  it('the sweep ends schedules past their date (no firing comes after it), once', async () => {
    const { sync, store, calls, until, advance } = setup();
    await sync.create('job_abcdefgh', { everyHours: 6, until: until(2) }, 'a@x');
    expect(await sync.sweep()).toEqual({ ended: 0 });
    advance(3 * HOUR);
    expect(await sync.sweep()).toEqual({ ended: 1 });
    expect(store.items.get('job_abcdefgh')).toMatchObject({ state: 'ended', nextAt: null });
    expect(calls.slice(1)).toEqual(['remove sync-job_abcdefgh', 'audit migration.sync_schedule.stop']);
    expect(await sync.sweep()).toEqual({ ended: 0 });
  });

  it('a job adopted by a domain move since stops its own schedule at the next firing and says why', async () => {
    const { sync, store, runs, until, advance } = setup();
    await sync.create('job_abcdefgh', { everyHours: 6, until: until(24) }, 'a@x');
    store.items.set('job_inmove01', { ...store.items.get('job_abcdefgh')!, jobId: 'job_inmove01', name: 'sync-job_inmove01' });
    advance(6 * HOUR);
    expect(await sync.tick('job_inmove01')).toEqual({ jobId: 'job_inmove01', did: 'schedule removed: the job belongs to the move of lumen.example' });
    expect(store.items.get('job_inmove01')).toMatchObject({ state: 'stopped', stoppedReason: 'Stopped: the job joined the move of lumen.example, whose passes keep it in sync.' });
    expect(runs.size).toBe(0);
  });
});
