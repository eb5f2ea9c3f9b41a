import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { CSRF_HEADER, type BatchActionResult, BatchDetail, ImportPreview, ImportResult, JobList } from '@app/shared';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../support/api-client.ts';
import { createApp } from '../../src/http/app.ts';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';
import { waitFor } from '../migrations/engine-fixture.ts';

const STAND_IN = join(import.meta.dirname, '..', '..', '..', 'migrator-container', 'test', 'stand-in', 'imapsync');
const CANARY = `CANARY-${randomUUID()}`;
const HEADER = 'source_email,source_password,dest_email,dest_password';
const row = (n: number, extra = '') => `user${n}@old.example,"${CANARY},""${n}""",user${n}@new.example,${CANARY}-dest${extra}`;

// CSV import → batch → the real local runner and worker (imapsync stand-in) → batch view, actions, report, summary email.
describe('bulk CSV import and batches through the HTTP API', () => {
  let t: TestRuntime;
  let owner: ApiClient;
  let dataDir: string;
  const seen: string[] = [];
  let servers: { source: string; dest: string };

  const json = async <T>(res: Promise<Response> | Response, status?: number): Promise<T> => {
    const r = await res;
    const text = await r.text();
    seen.push(text);
    if (status !== undefined && r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  const outbox = () => {
    const dir = join(dataDir, 'outbox');
    // Bodies are quoted-printable (the emails carry non-ASCII arrows): undo soft breaks and =XX escapes.
    const decode = (eml: string) => Buffer.from(eml.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
    return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.eml')).map((f) => decode(readFileSync(join(dir, f), 'utf8'))) : [];
  };
  const summaries = (batchId: string) => outbox().filter((m) => m.includes(`/migrations/batches/${batchId}`));
  const detail = (id: string) => json<BatchDetail>(owner.get(`/api/migrations/batches/${id}`), 200);
  const untilFinished = (id: string) => waitFor(`batch ${id} to finish`, async () => {
    const d = await detail(id);
    return d.batch.state === 'finished' && d;
  }, 60_000);
  const jobCount = async () => (await json<JobList>(owner.get('/api/migrations/jobs'), 200)).jobs.length;

  beforeAll(async () => {
    process.env.IMAPSYNC_STANDIN_FIXTURE = '01-success';
    process.env.IMAPSYNC_STANDIN_SPEED = '0';
    t = await startTestRuntime({ IMAPSYNC_COMMAND: STAND_IN, MIGRATION_HEARTBEAT_SECONDS: '1', MIGRATION_RETRY_DELAY_SECONDS: '0.2' });
    dataDir = join(t.runtime.migrations.logDir, '..');
    owner = await t.setupOwner();
    const s = await json<{ id: string }>(owner.post('/api/migrations/servers', { name: 'Old host', host: '127.0.0.1', port: 1143, tls: 'none', verifyCert: false }), 201);
    const d = await json<{ id: string }>(owner.post('/api/migrations/servers', { name: 'PurelyMail lab', host: '127.0.0.1', port: 2143, tls: 'none' }), 201);
    servers = { source: s.id, dest: d.id };
  }, 60_000);
  afterAll(() => t?.close());

  it('serves the template and previews per line without echoing a password', async () => {
    const template = await owner.get('/api/migrations/import/template.csv');
    expect(template.headers.get('content-type')).toContain('text/csv');
    expect((await template.text()).split('\r\n')[0]).toBe(`${HEADER},source_server,dest_server`);

    const csv = [HEADER, row(1), 'bad email,p,x@new.example,p', row(3)].join('\r\n');
    const preview = await json<ImportPreview>(owner.post('/api/migrations/import/preview', { csv, sourceServerId: servers.source, destServerId: servers.dest }), 200);
    expect(preview).toMatchObject({ ok: false, totalRows: 3, invalidRows: 1 });
    expect(preview.rows.map((r) => [r.line, r.errors])).toEqual([[2, []], [3, ['source_email is not an email address or an IMAP login (like bob).']], [4, []]]);
    expect(preview.rows[0]).toMatchObject({ sourceUser: 'user1@old.example', hasSourcePassword: true, sourceServer: { name: 'Old host' } });
    expect(JSON.stringify(preview)).not.toContain(CANARY);
    expect((await owner.post('/api/migrations/import/preview', { csv, sourceServerId: servers.source, destServerId: servers.dest, extra: 1 })).status).toBe(400);
    expect((await t.anonymous().post('/api/migrations/import/preview', { csv, sourceServerId: servers.source, destServerId: servers.dest })).status).toBe(401);
  });

  it('is all or nothing: one invalid row and nothing is queued', async () => {
    const before = await jobCount();
    const csv = [HEADER, row(1), row(2), 'user3@old.example,,user3@new.example,p'].join('\n');
    const res = await json<{ error: { message: string; fields: { path: string; message: string }[] } }>(
      owner.post('/api/migrations/import', { csv, sourceServerId: servers.source, destServerId: servers.dest, batchName: 'Nope', mode: 'full', start: 'now' }),
      400,
    );
    expect(res.error.message).toMatch(/1 of 3 rows has errors; nothing was queued/);
    expect(res.error.fields).toEqual([{ path: 'line 4', message: 'source_password is empty.' }]);
    expect(await jobCount()).toBe(before);
    expect((await json<{ batches: unknown[] }>(owner.get('/api/migrations/batches'), 200)).batches).toEqual([]);
  });

  it('queues only the valid rows when asked: the invalid lines are skipped, named with why, and never written', async () => {
    const before = await jobCount();
    const csv = [HEADER, row(21), 'user22@old.example,,user22@new.example,p', row(23), 'not an email,p,x@new.example,p'].join('\n');
    const body = { csv, sourceServerId: servers.source, destServerId: servers.dest, batchName: 'Valid only', mode: 'full', start: 'later' };
    // The preview names the same lines the import will skip.
    const preview = await json<ImportPreview>(owner.post('/api/migrations/import/preview', { csv, sourceServerId: servers.source, destServerId: servers.dest }), 200);
    expect(preview.rows.filter((r) => r.errors.length).map((r) => r.line)).toEqual([3, 5]);
    const out = await json<ImportResult>(owner.post('/api/migrations/import', { ...body, policy: 'valid-only' }), 201);
    expect(out.jobCount).toBe(2);
    expect(out.skipped).toEqual([
      { line: 3, errors: ['source_password is empty.'] },
      { line: 5, errors: ['source_email is not an email address or an IMAP login (like bob).'] },
    ]);
    const d = await detail(out.batch.id);
    expect(d.jobs.map((j) => j.source.user)).toEqual(['user21@old.example', 'user23@old.example']);
    expect(await jobCount()).toBe(before + 2);
    // Without the policy it is still all or nothing; with no valid row, valid-only queues nothing either.
    expect((await owner.post('/api/migrations/import', body)).status).toBe(400);
    const none = await json<{ error: { message: string } }>(owner.post('/api/migrations/import', { ...body, csv: [HEADER, 'a@old.example,,b@new.example,p'].join('\n'), policy: 'valid-only' }), 400);
    expect(none.error.message).toBe('The one row is not valid; nothing was queued. Fix the file and preview it again.');
    expect((await owner.post('/api/migrations/import', { ...body, policy: 'some' })).status).toBe(400);
    expect(await jobCount()).toBe(before + 2);
  });

  it('accepts a body over the general 64 KB limit on the import routes only, and refuses over 3 MB', async () => {
    const big = [HEADER, ...Array.from({ length: 900 }, (_, i) => row(i, 'x'.repeat(60)))].join('\n');
    expect(big.length).toBeGreaterThan(64 * 1024);
    const preview = await json<ImportPreview>(owner.post('/api/migrations/import/preview', { csv: big, sourceServerId: servers.source, destServerId: servers.dest }), 200);
    expect(preview).toMatchObject({ ok: true, totalRows: 900 });
    // In-process (a socket would be closed by the server before the client finished sending).
    const app = createApp(t.runtime.deps);
    const headers = { 'content-type': 'application/json', origin: owner.baseUrl, [CSRF_HEADER]: '1', cookie: owner.cookie! };
    const send = (path: string, size: number) => app.request(path, { method: 'POST', body: JSON.stringify({ csv: 'x'.repeat(size) }), headers });
    expect((await send('/api/migrations/import/preview', 3.1 * 1024 * 1024)).status).toBe(413);
    expect((await send('/api/migrations/import', 3.1 * 1024 * 1024)).status).toBe(413);
    expect((await send('/api/migrations/jobs', 70 * 1024)).status).toBe(413);
    expect((await send('/api/migrations/import/preview', 70 * 1024)).status).not.toBe(413);
  });

  it('imports a batch that runs to the end: counts, progress, report and exactly one summary email', async () => {
    const csv = [HEADER, row(1), row(2), row(3)].join('\r\n');
    const out = await json<ImportResult>(owner.post('/api/migrations/import', { csv, sourceServerId: servers.source, destServerId: servers.dest, batchName: 'Acme =batch', mode: 'full', start: 'now' }), 201);
    expect(out).toMatchObject({ jobCount: 3, batch: { name: 'Acme =batch', origin: 'csv', mode: 'full', state: 'open', round: 1 } });
    const done = await untilFinished(out.batch.id);
    expect(done.counts).toMatchObject({ total: 3, succeeded: 3, notStarted: 0 });
    expect(done.progress.messagesDone).toBe(900);
    expect(done.jobs.map((j) => j.source.user)).toEqual(['user1@old.example', 'user2@old.example', 'user3@old.example']);
    expect(done.jobs.every((j) => j.batchId === out.batch.id)).toBe(true);

    const report = await owner.get(`/api/migrations/batches/${out.batch.id}/report.csv`);
    expect(report.headers.get('content-disposition')).toContain('Acme-batch-report.csv');
    const lines = (await report.text()).trimEnd().split('\r\n');
    seen.push(lines.join('\n'));
    expect(lines[0]).toBe('"source_email","dest_email","state","run_kind","messages_transferred","bytes_transferred","verdict","error_class","cause","job_id"');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/^"user1@old\.example","user1@new\.example","succeeded","full","300","\d+","sync looks good","succeeded","","job_/);

    await waitFor('summary email', async () => summaries(out.batch.id).length === 1);
    const [mail] = summaries(out.batch.id);
    expect(mail).toMatch(/Subject: Batch finished: Acme =batch - 3 succeeded, 0 did not/);
    expect(mail).toMatch(/To: owner@example\.com/);
  });

  it('acts on selected jobs: a failed pass reopens the batch and mails its causes; retry failed only; cancel; delete', async () => {
    const csv = [HEADER, row(11), row(12)].join('\n');
    const { batch } = await json<ImportResult>(owner.post('/api/migrations/import', { csv, sourceServerId: servers.source, destServerId: servers.dest, batchName: 'Later', mode: 'dry-first', start: 'later' }), 201);
    let d = await detail(batch.id);
    expect(d.counts).toMatchObject({ total: 2, notStarted: 2 });
    const [a, b] = d.jobs.map((j) => j.id) as [string, string];

    // Start = the batch's first pass (dry run); the second Start is skipped with a reason.
    const started = await json<BatchActionResult>(owner.post(`/api/migrations/batches/${batch.id}/actions`, { action: 'start', jobIds: [a, b, 'job_notinbatch0000'] }), 202);
    expect(started.done.sort()).toEqual([a, b].sort());
    expect(started.skipped).toEqual([{ jobId: 'job_notinbatch0000', reason: 'Not in this batch.' }]);
    d = await untilFinished(batch.id);
    expect(d.jobs.map((j) => j.latestRun?.kind)).toEqual(['dry', 'dry']);
    await waitFor('first summary', async () => summaries(batch.id).length === 1);

    // Run for real; one job fails at the source login: round 2 ends with the cause in the email.
    process.env.IMAPSYNC_STANDIN_FIXTURE = '03-wrong-source-password';
    await json(owner.post(`/api/migrations/batches/${batch.id}/actions`, { action: 'full', jobIds: [a] }), 202);
    d = await untilFinished(batch.id);
    expect(d.batch.round).toBe(2);
    expect(d.counts).toMatchObject({ failed: 1, succeeded: 1 });
    await waitFor('second summary', async () => summaries(batch.id).length === 2);
    const failedMail = summaries(batch.id).find((m) => m.includes('1 did not'))!;
    expect(failedMail).toContain('user11@old.example');
    expect(failedMail).toContain('Source login failed');

    // Retry failed only: b (a succeeded dry run) is skipped.
    process.env.IMAPSYNC_STANDIN_FIXTURE = '01-success';
    const retried = await json<BatchActionResult>(owner.post(`/api/migrations/batches/${batch.id}/actions`, { action: 'retry-failed', jobIds: [a, b] }), 202);
    expect(retried).toMatchObject({ done: [a], skipped: [{ jobId: b, reason: 'Its last run did not fail.' }] });
    d = await untilFinished(batch.id);
    expect(d.jobs.find((j) => j.id === a)!.latestRun).toMatchObject({ state: 'succeeded', attempt: 2 });
    await waitFor('third summary', async () => summaries(batch.id).length === 3);

    // Cancel (slow run), then delete the cancelled job; the batch keeps the other.
    process.env.IMAPSYNC_STANDIN_SPEED = '0.05';
    await json(owner.post(`/api/migrations/batches/${batch.id}/actions`, { action: 'full', jobIds: [b] }), 202);
    const deleting = await json<BatchActionResult>(owner.post(`/api/migrations/batches/${batch.id}/actions`, { action: 'delete', jobIds: [b] }), 202);
    expect(deleting.skipped).toEqual([{ jobId: b, reason: 'A run is in progress; cancel it first.' }]);
    const cancelled = await json<BatchActionResult>(owner.post(`/api/migrations/batches/${batch.id}/actions`, { action: 'cancel', jobIds: [a, b] }), 202);
    expect(cancelled).toMatchObject({ done: [b], skipped: [{ jobId: a, reason: 'Nothing is running.' }] });
    process.env.IMAPSYNC_STANDIN_SPEED = '0';
    await untilFinished(batch.id);
    await json(owner.post(`/api/migrations/batches/${batch.id}/actions`, { action: 'delete', jobIds: [b] }), 202);
    d = await detail(batch.id);
    expect(d.jobs.map((j) => j.id)).toEqual([a]);
    expect((await owner.post(`/api/migrations/batches/${batch.id}/actions`, { action: 'explode', jobIds: [a] })).status).toBe(400);
    expect((await owner.get('/api/migrations/batches/bat_doesnotexist0000')).status).toBe(404);
  }, 120_000);

  it('sends one summary even when the finish trigger is delivered twice at once', async () => {
    const { batches, migrations } = { batches: t.runtime.deps.batches, migrations: t.runtime.migrations };
    const { batch, jobs } = await batches.create({
      name: 'Twice',
      origin: 'campaign',
      campaignId: 'cmp_test',
      createdBy: 'owner@example.com',
      rows: [{ source: { serverId: servers.source, user: 'z@old.example', password: CANARY }, dest: { serverId: servers.dest, user: 'z@new.example', password: CANARY } }],
      start: 'none',
    });
    // A run that ended without the engine's hooks (as if the process died right after the worker's write).
    const job = jobs[0]!;
    const runId = `run_${Date.now().toString(36)}twice000000`;
    expect(await migrations.stores.jobs.claim(job.id, runId, null)).toBe(true);
    const now = new Date().toISOString();
    await migrations.stores.runs.create({ id: runId, jobId: job.id, kind: 'full', state: 'succeeded', attempt: 1, retryOf: null, retriedBy: null, cancelRequested: false, createdAt: now, createdBy: 'owner@example.com', startedAt: now, endedAt: now, heartbeatAt: now, progress: null, outcome: null, failureReason: null, version: 1, taskRef: null, logTail: [], dispatchAttempts: 0 });
    await Promise.all([batches.onRunEnded(runId), batches.onRunEnded(runId), migrations.engine.handleWorkerGone(runId, 'gone')]);
    await batches.onRunEnded(runId);
    expect((await detail(batch.id)).batch.state).toBe('finished');
    const mails = summaries(batch.id);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toContain('Subject: Campaign finished: Twice');
  });

  it('a failed single job (not in a batch) notifies at once', async () => {
    process.env.IMAPSYNC_STANDIN_FIXTURE = '03-wrong-source-password';
    const created = await json<{ job: { id: string }; runs: { id: string }[] }>(owner.post('/api/migrations/jobs', { name: 'Solo', source: { serverId: servers.source, user: 'solo@old.example', password: CANARY }, dest: { serverId: servers.dest, user: 'solo@new.example', password: CANARY }, start: 'full' }), 201);
    await waitFor('failure email', async () => outbox().some((m) => m.includes('Migration failed: solo@old.example')));
    const mail = outbox().find((m) => m.includes('Migration failed: solo@old.example'))!;
    expect(mail).toContain('Source login failed');
    expect(mail).toContain(`/migrations/jobs/${created.job.id}`);
    process.env.IMAPSYNC_STANDIN_FIXTURE = '01-success';
  });

  it('never lets a password into a response, log, audit entry, email or stored item outside a sealed blob', async () => {
    const auditText = await (await owner.get('/api/audit?limit=200')).text();
    expect(auditText).toContain('migration.import');
    expect(auditText).toContain('migration.batch.action.apply');
    const items = (await t.runtime.migrations.table.doc.send(new ScanCommand({ TableName: t.runtime.migrations.table.name }))).Items ?? [];
    for (const [what, text] of [['responses', seen.join('\n')], ['audit', auditText], ['store', JSON.stringify(items)], ['server logs', t.logs.join('\n')], ['emails', outbox().join('\n')]] as const) {
      expect(text, what).not.toContain(CANARY);
    }
  });
});
