import type { ImportResult, JobDetail, JobSyncSchedule, JobSyncView } from '@app/shared';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../support/api-client.ts';
import { FakeClock, startTestRuntime, TEST_PASSWORD, type TestRuntime } from '../support/test-runtime.ts';
import { waitFor } from '../migrations/engine-fixture.ts';
import type { DnsCutover } from '../../src/modules/domain-moves/ports.ts';

// The domain-move tests' stand-in: a source login listed in IMAPSYNC_STANDIN_FAIL_USER1 replays a failed run.
const STAND_IN = join(import.meta.dirname, '..', 'domain-moves', 'stand-in-by-user');
const HOUR = 3_600_000;
const OWNER = 'owner@example.com';

/** A move needs the old MX read; this test is about the job schedules, so the DNS answers are fixed. */
const dnsCutover: DnsCutover = {
  oldMx: async () => ({ hosts: ['mx.old-host.example'], ttlSeconds: 3600, readAt: new Date().toISOString() }),
  plan: async () => ({ bind: '', records: [], provider: null, changeSet: null }),
  apply: async () => ({ provider: 'sandbox', saved: [], changeId: null }),
  rollback: async () => undefined,
  watch: async () => ({ at: new Date().toISOString(), resolvers: [], everywhere: false }),
};

// "Keep this job in sync every N hours until <date>" over HTTP: the sandbox, the real local worker running the
// imapsync stand-in, and a FakeClock driving the local recurring scheduler (ticking every 40 ms of real time).
describe('keeping a single job in sync until a date', () => {
  let t: TestRuntime;
  let owner: ApiClient;
  let dataDir: string;
  const clock = new FakeClock();
  const servers: Record<string, string> = {};

  const json = async <T>(res: Promise<Response> | Response, status: number): Promise<T> => {
    const r = await res;
    const text = await r.text();
    if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  const signIn = async () => expect((await owner.post('/api/auth/login', { email: OWNER, password: TEST_PASSWORD })).status).toBe(200);
  const advance = async (ms: number) => {
    clock.advance(ms);
    await signIn();
  };
  const sync = (jobId: string) => json<JobSyncView>(owner.get(`/api/migrations/jobs/${jobId}/sync`), 200);
  const inHours = (h: number) => new Date(clock.now().getTime() + h * HOUR).toISOString();
  const outbox = () => {
    const dir = join(dataDir, 'outbox');
    const decode = (eml: string) => Buffer.from(eml.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
    return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.eml')).map((f) => decode(readFileSync(join(dir, f), 'utf8'))) : [];
  };
  const newJob = async (name: string, sourceUser: string) =>
    (await json<JobDetail>(owner.post('/api/migrations/jobs', { name, source: { serverId: servers.old!, user: sourceUser, password: 'old-pw' }, dest: { serverId: servers.lab!, user: `${name}@lumen.example`, password: 'new-pw' }, start: 'none' }), 201)).job.id;
  /** Until pass `n` has started a run and that run has been counted. */
  const passCounted = async (jobId: string, n: number): Promise<JobSyncSchedule> =>
    (await waitFor(`pass ${n} of ${jobId} counted`, async () => {
      const s = (await sync(jobId)).schedule;
      return s && s.passesDone === n && s.currentRunId === null && s.lastRun !== null && s;
    }, 60_000)) as JobSyncSchedule;
  const audit = async () => (await json<{ entries: { action: string; target: string; details: string; actor: string; result: string }[] }>(owner.get('/api/audit'), 200)).entries.filter((e) => e.result === 'ok');

  beforeAll(async () => {
    process.env.IMAPSYNC_STANDIN_FIXTURE = '01-success';
    process.env.IMAPSYNC_STANDIN_SPEED = '0';
    process.env.IMAPSYNC_STANDIN_FAIL_USER1 = 'broken@old.example';
    t = await startTestRuntime({ IMAPSYNC_COMMAND: STAND_IN, MIGRATION_HEARTBEAT_SECONDS: '1', LOCAL_SCHEDULE_TICK_MS: '40', DNS_TIER_INTERVAL_MINUTES: '0' }, clock, { dnsCutover });
    dataDir = join(t.runtime.migrations.logDir, '..');
    owner = await t.setupOwner(OWNER);
    servers.old = (await json<{ id: string }>(owner.post('/api/migrations/servers', { name: 'Old host', host: '127.0.0.1', port: 1143, tls: 'none', verifyCert: false }), 201)).id;
    servers.lab = (await json<{ id: string }>(owner.post('/api/migrations/servers', { name: 'PurelyMail lab', host: '127.0.0.1', port: 2143, tls: 'none' }), 201)).id;
  }, 60_000);
  afterAll(async () => {
    delete process.env.IMAPSYNC_STANDIN_FAIL_USER1;
    await t?.close();
  });

  it('refuses bad input with a sentence, and of two parallel creations one wins', async () => {
    const jobId = await newJob('ann', 'ann@old.example');
    expect(await sync(jobId)).toEqual({ schedule: null, inMove: null });
    const past = await owner.post(`/api/migrations/jobs/${jobId}/sync`, { everyHours: 6, until: inHours(-1) });
    expect(past.status).toBe(400);
    expect(await past.text()).toContain('The end date must be in the future');
    const far = await owner.post(`/api/migrations/jobs/${jobId}/sync`, { everyHours: 6, until: inHours(31 * 24) });
    expect(far.status).toBe(400);
    expect(await far.text()).toContain('at most 30 days ahead');
    const often = await owner.post(`/api/migrations/jobs/${jobId}/sync`, { everyHours: 169, until: inHours(24) });
    expect(often.status).toBe(400);
    expect(await often.text()).toContain('at most 168');
    expect((await owner.post('/api/migrations/jobs/job_doesnotexist01/sync', { until: inHours(24) })).status).toBe(404);
    expect((await sync(jobId)).schedule).toBeNull();

    const [a, b] = await Promise.all([0, 1].map(() => owner.post(`/api/migrations/jobs/${jobId}/sync`, { everyHours: 3, until: inHours(7) })));
    expect([a!.status, b!.status].sort()).toEqual([201, 409]);
    expect(await (a!.status === 409 ? a! : b!).text()).toMatch(/already kept in sync|meanwhile/);
    const s = (await sync(jobId)).schedule!;
    expect(s).toMatchObject({ everyHours: 3, state: 'active', passesDone: 0, nextAt: inHours(3), stopAfterFailures: 3 });
    // The default interval is 6 hours (checked on the update: one schedule per job).
    const changed = await json<JobSyncSchedule>(owner.put(`/api/migrations/jobs/${jobId}/sync`, { until: inHours(7) }), 200);
    expect(changed.everyHours).toBe(6);
    await json(owner.put(`/api/migrations/jobs/${jobId}/sync`, { everyHours: 3, until: inHours(7) }), 200);
    expect(t.runtime.recurringScheduler.scheduled()).toEqual([{ name: `sync-${jobId}`, everyMinutes: 180, nextAt: inHours(3) }]);
    expect((await audit()).filter((e) => e.action.startsWith('migration.sync_schedule')).map((e) => e.action)).toEqual(['migration.sync_schedule.update', 'migration.sync_schedule.update', 'migration.sync_schedule.create']);
  });

  it('fires a full run at each interval, and ends at its date (schedule removed, the page says so)', async () => {
    const jobId = (await json<{ jobs: { id: string; name: string }[] }>(owner.get('/api/migrations/jobs'), 200)).jobs.find((j) => j.name === 'ann')!.id;
    await advance(3 * HOUR + 1000);
    let s = await passCounted(jobId, 1);
    expect(s).toMatchObject({ passesDone: 1, consecutiveFailures: 0, lastRun: { state: 'succeeded' }, lastSkip: null, state: 'active' });
    // Nothing more before the next interval.
    await new Promise((r) => setTimeout(r, 300));
    expect((await sync(jobId)).schedule!.passesDone).toBe(1);
    await advance(3 * HOUR);
    s = await passCounted(jobId, 2);
    expect(s.lastRun?.state).toBe('succeeded');
    const detail = await json<JobDetail>(owner.get(`/api/migrations/jobs/${jobId}`), 200);
    expect(detail.runs.filter((r) => r.kind === 'full' && r.state === 'succeeded')).toHaveLength(2);

    // Past the end date (7 h): no third pass; the schedule is gone and the page reads "ended".
    await advance(3 * HOUR);
    await new Promise((r) => setTimeout(r, 300));
    expect(t.runtime.recurringScheduler.scheduled()).toEqual([]);
    s = (await sync(jobId)).schedule!;
    expect(s).toMatchObject({ state: 'ended', passesDone: 2, nextAt: null });
    expect(s.stoppedReason).toContain('Ended as planned');
    expect((await audit()).some((e) => e.action === 'migration.sync_schedule.stop' && e.target === jobId && e.details.includes('ended as planned'))).toBe(true);
  }, 90_000);

  it('stops after three failed passes in a row, with an email to the admins and the reason on the page', async () => {
    const jobId = await newJob('broken', 'broken@old.example');
    await json(owner.post(`/api/migrations/jobs/${jobId}/sync`, { everyHours: 1, until: inHours(48) }), 201);
    for (const n of [1, 2, 3]) {
      await advance(HOUR + 1000);
      const s = await passCounted(jobId, n);
      expect(s.consecutiveFailures).toBe(n);
    }
    const s = (await sync(jobId)).schedule!;
    expect(s).toMatchObject({ state: 'stopped', passesDone: 3, consecutiveFailures: 3, nextAt: null, lastRun: { state: 'failed' } });
    expect(s.stoppedReason).toContain('Stopped after 3 failed passes in a row');
    expect(t.runtime.recurringScheduler.scheduled().some((x) => x.name === `sync-${jobId}`)).toBe(false);
    const mail = await waitFor('the stop email', async () => outbox().find((m) => m.includes('keeping in sync stopped after 3 failed passes')), 10_000);
    expect(mail).toContain('Job broken');
    expect((await audit()).some((e) => e.action === 'migration.sync_schedule.stop' && e.target === jobId && e.actor === 'system (job sync)')).toBe(true);
    // No fourth pass: the schedule is gone.
    await advance(HOUR + 1000);
    await new Promise((r) => setTimeout(r, 300));
    expect((await sync(jobId)).schedule!.passesDone).toBe(3);
    // It can be set again (fresh count) or removed.
    await json(owner.post(`/api/migrations/jobs/${jobId}/sync`, { everyHours: 2, until: inHours(24) }), 201);
    expect((await sync(jobId)).schedule).toMatchObject({ state: 'active', consecutiveFailures: 0, passesDone: 0 });
    expect((await owner.del(`/api/migrations/jobs/${jobId}/sync`)).status).toBe(204);
    expect((await sync(jobId)).schedule).toBeNull();
    expect(t.runtime.recurringScheduler.scheduled().some((x) => x.name === `sync-${jobId}`)).toBe(false);
  }, 120_000);

  it('goes with its job when the job is deleted', async () => {
    const jobId = await newJob('carl', 'carl@old.example');
    await json(owner.post(`/api/migrations/jobs/${jobId}/sync`, { everyHours: 6, until: inHours(24) }), 201);
    expect(t.runtime.recurringScheduler.scheduled().some((x) => x.name === `sync-${jobId}`)).toBe(true);
    expect((await owner.del(`/api/migrations/jobs/${jobId}`)).status).toBe(204);
    expect(t.runtime.recurringScheduler.scheduled().some((x) => x.name === `sync-${jobId}`)).toBe(false);
    expect((await owner.get(`/api/migrations/jobs/${jobId}/sync`)).status).toBe(404);
  });

  it("refuses a standalone schedule for a job of a domain move: the move's passes keep it in sync", async () => {
    const csv = ['source_email,source_password,dest_email,dest_password', 'dora@old.example,old-dora-pw,dora@lumen.example,new-dora-pw'].join('\n');
    const batchId = (await json<ImportResult>(owner.post('/api/migrations/import', { csv, sourceServerId: servers.old, destServerId: servers.lab, batchName: 'Lumen move', mode: 'full', start: 'later' }), 201)).batch.id;
    const move = await json<{ mailboxes: { jobId: string | null }[] }>(owner.post('/api/domains/lumen.example/move', { source: { kind: 'batch', batchId } }), 201);
    const jobId = move.mailboxes[0]!.jobId!;
    const refused = await owner.post(`/api/migrations/jobs/${jobId}/sync`, { everyHours: 6, until: inHours(24) });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain("belongs to the move of lumen.example: the move's passes already keep it in sync");
    expect(await sync(jobId)).toEqual({ schedule: null, inMove: 'lumen.example' });
  });
});
