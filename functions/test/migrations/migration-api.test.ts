import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Job, JobDetail, Run } from '@app/shared';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../support/api-client.ts';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';
import { waitFor } from './engine-fixture.ts';

const STAND_IN = join(import.meta.dirname, '..', '..', '..', 'migrator-container', 'test', 'stand-in', 'imapsync');
const CANARY = `CANARY-${randomUUID()}`;
const DEST_CANARY = `CANARY-${randomUUID()}`;

// The worker is a real child process (node migrator-container/dist/main.mjs, the built bundle) running the imapsync
// stand-in, against the runtime's dynalite; the stand-in's knobs reach it through the environment.
describe('migrations through the HTTP API, the local runner and the real worker', () => {
  let t: TestRuntime;
  let owner: ApiClient;
  const seen: string[] = [];
  let dataDir: string;
  let source: { id: string };
  let dest: { id: string };

  const json = async <T>(res: Promise<Response> | Response, status?: number): Promise<T> => {
    const r = await res;
    const text = await r.text();
    seen.push(text);
    if (status !== undefined && r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  const run = (id: string) => json<Run>(owner.get(`/api/migrations/runs/${id}`), 200);
  const untilEnded = (id: string) => waitFor(`run ${id} to end`, async () => {
    // An automatic retry's id is recorded on the old run (markRetried) just before the new run is written: a
    // 404 here means "not queued yet", not "gone".
    const res = await owner.get(`/api/migrations/runs/${id}`);
    if (res.status === 404) return undefined;
    const r = await json<Run>(res, 200);
    return ['succeeded', 'failed', 'cancelled', 'interrupted'].includes(r.state) && r;
  }, 60_000);
  const newJob = async (name: string, start: 'none' | 'dry' | 'full' = 'full') =>
    json<JobDetail>(owner.post('/api/migrations/jobs', { name, source: { serverId: source.id, user: 'alice', password: CANARY }, dest: { serverId: dest.id, user: 'alice@new.example', password: DEST_CANARY }, start }), 201);

  beforeAll(async () => {
    process.env.IMAPSYNC_STANDIN_FIXTURE = '01-success';
    process.env.IMAPSYNC_STANDIN_SPEED = '0';
    t = await startTestRuntime({ IMAPSYNC_COMMAND: STAND_IN, MIGRATION_HEARTBEAT_SECONDS: '1', MIGRATION_RETRY_DELAY_SECONDS: '0.2' });
    dataDir = join(t.runtime.migrations.logDir, '..');
    process.env.IMAPSYNC_STANDIN_ARGV_LOG = join(dataDir, 'argv.json');
    owner = await t.setupOwner();
    source = await json(owner.post('/api/migrations/servers', { name: 'Old host', host: '127.0.0.1', port: 1143, tls: 'none', verifyCert: false }), 201);
    dest = await json(owner.post('/api/migrations/servers', { name: 'PurelyMail lab', host: '127.0.0.1', port: 2143, tls: 'none' }), 201);
  }, 60_000);
  afterAll(() => t?.close());

  it('lists servers with the PurelyMail preset and refuses unsafe or stale input with a 4xx', async () => {
    const list = await json<{ servers: { name: string }[]; presets: { host: string }[] }>(owner.get('/api/migrations/servers'), 200);
    expect(list.servers.map((s) => s.name)).toEqual(['Old host', 'PurelyMail lab']);
    expect(list.presets).toContainEqual(expect.objectContaining({ host: 'imap.purelymail.com', port: 993, tls: 'ssl' }));
    expect((await owner.post('/api/migrations/servers', { name: 'x', host: '--host2=evil', port: 993, tls: 'ssl' })).status).toBe(400);
    expect((await owner.post('/api/migrations/servers', { name: 'x', host: 'h', port: 993, tls: 'ssl', extra: 1 })).status).toBe(400);
    expect((await owner.put(`/api/migrations/servers/${source.id}`, { name: 'Renamed', version: 99 })).status).toBe(409);
    expect((await owner.get('/api/migrations/jobs/job_doesnotexist00')).status).toBe(404);
    expect((await owner.get('/api/migrations/jobs/..%2F..%2Fetc')).status).toBe(400);
    expect((await t.anonymous().get('/api/migrations/jobs')).status).toBe(401);
  });

  it('runs a job end to end (01-success), serves progress, log tail with ETag/304 and the full log', async () => {
    const created = await newJob('Alice');
    expect(created.job.source).toEqual({ serverId: source.id, user: 'alice', hasPassword: true });
    const first = created.runs[0]!;
    expect(first.state).toBe('queued');
    const ended = await untilEnded(first.id);
    expect(ended.state).toBe('succeeded');
    expect(ended.outcome).toMatchObject({ exitClass: 'succeeded', exitCode: 0, verdictOk: true, stats: { transferred: 300 } });
    expect(ended.progress).toMatchObject({ messagesDone: 300 });

    const detail = await owner.get(`/api/migrations/jobs/${created.job.id}`);
    const etag = detail.headers.get('etag')!;
    expect(etag).toMatch(/^".+"$/);
    const again = await owner.get(`/api/migrations/jobs/${created.job.id}`, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    // The 304 still carries the API's headers, and an ETag that does not match gets the body.
    expect(again.headers.get('etag')).toBe(etag);
    expect(again.headers.get('cache-control')).toBe('no-store');
    expect(again.headers.get('x-request-id')).toBeTruthy();
    expect((await owner.get(`/api/migrations/jobs/${created.job.id}`, { 'if-none-match': '"stale"' })).status).toBe(200);

    const log = await json<{ lines: string[]; state: string }>(owner.get(`/api/migrations/runs/${first.id}/log?tail=20`), 200);
    expect(log.lines).toHaveLength(20);
    expect(log.lines.join('\n')).toContain('Exiting with return value 0');
    const full = await owner.get(`/api/migrations/runs/${first.id}/log/download`);
    expect(full.headers.get('content-disposition')).toContain(`${first.id}.log`);
    expect(full.headers.get('etag')).toBeNull();
    const text = await full.text();
    seen.push(text);
    expect(text.split('\n').filter((l) => / copied to /.test(l))).toHaveLength(300);

    // The password reached imapsync only through its passfile, byte-exact, and never its argv or env.
    const argv = JSON.parse(readFileSync(join(dataDir, 'argv.json'), 'utf8')) as { argv: string[]; env: Record<string, string>; passfiles: Record<string, { mode: string; firstLineSha256: string }> };
    expect(argv.passfiles['1']).toMatchObject({ mode: '600', firstLineSha256: createHash('sha256').update(CANARY).digest('hex') });
    expect(JSON.stringify(argv.argv) + JSON.stringify(argv.env)).not.toContain('CANARY');
    // The run's private directory goes when the worker exits, which is just after it recorded the end.
    await waitFor('the run directory removed', async () => !readdirSync(join(t.runtime.migrations.workDir)).includes(first.id));

    const jobs = await json<{ jobs: Job[] }>(owner.get('/api/migrations/jobs'), 200);
    expect(jobs.jobs[0]!.latestRun).toMatchObject({ id: first.id, state: 'succeeded' });
  });

  it('refuses to retry a succeeded run, to edit or delete a running job; allows it once ended', async () => {
    const { job, runs } = await newJob('Bob', 'none');
    expect(runs).toEqual([]);
    process.env.IMAPSYNC_STANDIN_SPEED = '0.3';
    const started = await json<Run>(owner.post(`/api/migrations/jobs/${job.id}/runs`, { kind: 'dry' }), 202);
    expect((await owner.post(`/api/migrations/jobs/${job.id}/runs`, { kind: 'full' })).status).toBe(409);
    expect((await owner.put(`/api/migrations/jobs/${job.id}/credentials`, { source: { password: 'new' }, version: job.version })).status).toBe(409);
    expect((await owner.del(`/api/migrations/jobs/${job.id}`)).status).toBe(409);
    await waitFor('the run to be running', async () => (await run(started.id)).state === 'running');
    const cancel = await json<Run>(owner.post(`/api/migrations/runs/${started.id}/cancel`), 202);
    expect(cancel.cancelRequested).toBe(true);
    const ended = await untilEnded(started.id);
    expect(ended.state).toBe('cancelled');
    expect((await owner.post(`/api/migrations/runs/${started.id}/cancel`)).status).toBe(409);
    process.env.IMAPSYNC_STANDIN_SPEED = '0';

    const edited = await json<Job>(owner.put(`/api/migrations/jobs/${job.id}/credentials`, { source: { password: `${CANARY}-2` }, version: job.version }), 200);
    expect(edited.version).toBe(job.version + 1);
    const retried = await json<Run>(owner.post(`/api/migrations/runs/${started.id}/retry`), 202);
    expect(retried).toMatchObject({ kind: 'dry', attempt: 2, retryOf: started.id });
    expect((await untilEnded(retried.id)).state).toBe('succeeded');
    expect((await owner.post(`/api/migrations/runs/${retried.id}/retry`)).status).toBe(409);
    expect((await owner.del(`/api/migrations/jobs/${job.id}`)).status).toBe(204);
    expect((await owner.get(`/api/migrations/jobs/${job.id}`)).status).toBe(404);
  });

  it('a worker killed mid-run (with its imapsync): the run becomes interrupted, the retry resumes without duplicates, no slot leaks', async () => {
    const stateFile = join(dataDir, 'standin-state.jsonl');
    process.env.IMAPSYNC_STANDIN_STATE = stateFile;
    process.env.IMAPSYNC_STANDIN_SPEED = '0.2';
    const { runs } = await newJob('Carol');
    const first = runs[0]!;
    await waitFor('some messages copied', async () => existsSync(stateFile) && readFileSync(stateFile, 'utf8').split('\n').length > 40);
    const record = (await t.runtime.migrations.stores.runs.get(first.id))!;
    const workerPid = Number(record.taskRef!.split(':')[2]);
    const imapsyncPid = Number(readFileSync(join(t.runtime.migrations.workDir, first.id, 'imapsync.pid'), 'utf8').split('\n')[0]);
    process.env.IMAPSYNC_STANDIN_SPEED = '0';
    process.kill(workerPid, 'SIGKILL');
    process.kill(imapsyncPid, 'SIGKILL');
    const copiedBefore = new Set(readFileSync(stateFile, 'utf8').split('\n').filter(Boolean)).size;

    const interrupted = await untilEnded(first.id);
    expect(interrupted.state).toBe('interrupted');
    expect(interrupted.failureReason).toMatch(/worker process exited/);
    // The killed run's private directory (passfiles included) is gone.
    expect(existsSync(join(t.runtime.migrations.workDir, first.id))).toBe(false);
    const retryId = await waitFor('the automatic retry', async () => (await run(first.id)).retriedBy ?? undefined);
    const retry = await untilEnded(retryId);
    expect(retry).toMatchObject({ state: 'succeeded', attempt: 2, retryOf: first.id, createdBy: 'automatic retry' });
    expect(retry.outcome!.stats!.skipped).toBeGreaterThanOrEqual(copiedBefore);
    expect(retry.outcome!.stats!.transferred + retry.outcome!.stats!.skipped).toBe(300);
    const lines = readFileSync(stateFile, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { key: string }).key);
    expect(lines).toHaveLength(300);
    expect(new Set(lines).size).toBe(300); // every message copied exactly once across both runs
    // The worker gives its slot back right after recording the end.
    await waitFor('every slot back', async () => (await t.runtime.migrations.stores.slots.holders()).length === 0);
    delete process.env.IMAPSYNC_STANDIN_STATE;
  });

  it('the concurrency setting is read and saved with optimistic locking', async () => {
    const s = await json<{ concurrency: number; version: number; running: number }>(owner.get('/api/migrations/settings'), 200);
    expect(s).toEqual({ concurrency: 4, version: 0, running: 0 });
    expect(await json(owner.put('/api/migrations/settings', { concurrency: 2, version: 0 }), 200)).toEqual({ concurrency: 2, version: 1, running: 0 });
    expect((await owner.put('/api/migrations/settings', { concurrency: 3, version: 0 })).status).toBe(409);
    expect((await owner.put('/api/migrations/settings', { concurrency: 0, version: 1 })).status).toBe(400);
  });

  it('test login through the API reports a plain reason and never echoes the password', async () => {
    const r = await json<{ ok: boolean; reason: string }>(owner.post(`/api/migrations/servers/${source.id}/test-login`, { user: 'alice', password: CANARY }), 200);
    expect(r).toMatchObject({ ok: false, reason: 'refused' });
    const blocked = await json(owner.post('/api/migrations/servers/test-login', { host: '2130706433', port: 993, tls: 'ssl', user: 'a', password: CANARY }), 200);
    expect(blocked).toMatchObject({ ok: false, reason: 'blocked' });
  });

  it('with the stand-in, a job to the built-in PurelyMail destination runs offline: imap.purelymail.com is not looked up', async () => {
    // Prepare: the PurelyMail preset as the "Add server" dialog saves it (this machine cannot resolve the name).
    const preset = await json<{ id: string }>(owner.post('/api/migrations/servers', { name: 'PurelyMail', host: 'imap.purelymail.com', port: 993, tls: 'ssl', verifyCert: true }), 201);
    // Act
    const created = await json<JobDetail>(
      owner.post('/api/migrations/jobs', { name: 'To PurelyMail', source: { serverId: source.id, user: 'alice', password: CANARY }, dest: { serverId: preset.id, user: 'alice@northwind.example', password: DEST_CANARY }, start: 'full' }),
      201,
    );
    const ended = await untilEnded(created.runs[0]!.id);
    // Assess: it ran to the end; the stand-in got the placeholder address, the name only as the TLS name.
    expect(ended.state).toBe('succeeded');
    const { argv } = JSON.parse(readFileSync(join(dataDir, 'argv.json'), 'utf8')) as { argv: string[] };
    expect(argv[argv.indexOf('--host2') + 1]).toBe('127.0.0.1');
    expect(t.logs.join('\n')).toContain('server address not looked up: the imapsync stand-in connects nowhere');
  });

  it('CS-1: the canary never appears in a response, a log line, an audit entry or a stored item outside a sealed blob', async () => {
    const audit = await owner.get('/api/audit?limit=200');
    const auditText = await audit.text();
    expect(auditText).toContain('migration.job.create');
    expect(auditText).toContain('migration.job.credentials.replace');
    const items = (await t.runtime.migrations.table.doc.send(new ScanCommand({ TableName: t.runtime.migrations.table.name }))).Items ?? [];
    const stored = JSON.stringify(items);
    expect(stored).toContain('v1:local:'); // sealed blobs are there…
    const logFiles = readdirSync(t.runtime.migrations.logDir).map((f) => readFileSync(join(t.runtime.migrations.logDir, f), 'utf8'));
    for (const [what, text] of [['responses', seen.join('\n')], ['audit', auditText], ['store', stored], ['server logs', t.logs.join('\n')], ['run logs', logFiles.join('\n')]] as const) {
      expect(text, what).not.toContain(CANARY);
      expect(text, what).not.toContain(DEST_CANARY);
    }
  });
});
