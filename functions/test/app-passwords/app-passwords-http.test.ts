import type { AppPassword, AppPasswordList, AuditPage, CreatedAppPassword, JobDetail, Run } from '@app/shared';
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../support/api-client.ts';
import { FakeClock, TEST_PASSWORD, startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';
import { waitFor } from '../migrations/engine-fixture.ts';
import { createLocalSecretOpener } from '../../src/adapters/local-secret-box/local-secret-box.ts';
import { SEALED_KIND } from '../../src/modules/migrations/ports.ts';
import { createDynamoBatchStore } from '../../src/adapters/dynamodb/dynamodb-batch-store.ts';

const STAND_IN = join(import.meta.dirname, '..', '..', '..', 'migrator-container', 'test', 'stand-in', 'imapsync');
const SOURCE_CANARY = `CANARY-${randomUUID()}`;
const MAILBOX = 'alice@northwind.example';
const DAY = 86_400_000;
// What the sandbox keeps of an app password (a hash, as PurelyMail can never show it again).
const sandboxHash = (secret: string) => createHash('sha256').update(`purelymanage-sandbox:${secret}`).digest('hex');

describe('app passwords through the HTTP API against the PurelyMail sandbox', () => {
  let t: TestRuntime;
  let owner: ApiClient;
  const clock = new FakeClock(Date.now());
  const seen: string[] = [];
  let source: { id: string };
  let dest: { id: string };
  let argvLog: string;
  const dataDir = () => join(t.runtime.migrations.logDir, '..');

  const json = async <T>(res: Promise<Response> | Response, status?: number): Promise<T> => {
    const r = await res;
    const text = await r.text();
    seen.push(text);
    if (status !== undefined && r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  const sandboxNames = (mailbox: string) => t.runtime.sandbox!.state.users[mailbox]!.appPasswords.map((p) => p.name);
  const sandboxHashes = (mailbox: string) => t.runtime.sandbox!.state.users[mailbox]!.appPasswords.map((p) => p.hash);
  const list = (mailbox = MAILBOX) => json<AppPasswordList>(owner.get(`/api/users/${mailbox}/app-passwords`), 200);
  const audit = async (action: string) => (await json<AuditPage>(owner.get(`/api/audit?action=${action}`), 200)).entries;
  // The fake clock moves days ahead: the session expires like a real one would.
  const signInAgain = async () => {
    owner = t.anonymous();
    await json(owner.post('/api/auth/login', { email: 'owner@example.com', password: TEST_PASSWORD }), 200);
  };
  const untilEnded = (id: string) =>
    waitFor(`run ${id} to end`, async () => {
      const r = await json<Run>(owner.get(`/api/migrations/runs/${id}`), 200);
      return ['succeeded', 'failed', 'cancelled', 'interrupted'].includes(r.state) && r;
    }, 60_000);

  beforeAll(async () => {
    process.env.IMAPSYNC_STANDIN_FIXTURE = '01-success';
    process.env.IMAPSYNC_STANDIN_SPEED = '0';
    t = await startTestRuntime({ IMAPSYNC_COMMAND: STAND_IN, MIGRATION_HEARTBEAT_SECONDS: '1', MIGRATION_APP_PASSWORD_MAX_AGE_DAYS: '3' }, clock);
    argvLog = join(dataDir(), 'argv-app-passwords.json');
    process.env.IMAPSYNC_STANDIN_ARGV_LOG = argvLog;
    owner = await t.setupOwner();
    source = await json(owner.post('/api/migrations/servers', { name: 'Old host', host: '127.0.0.1', port: 1143, tls: 'none', verifyCert: false }), 201);
    dest = await json(owner.post('/api/migrations/servers', { name: 'PurelyMail lab', host: '127.0.0.1', port: 2143, tls: 'none' }), 201);
  }, 60_000);
  afterAll(() => t?.close());

  it('creates a named app password at PurelyMail, shows the secret once, lists it without it, and revokes it at once', async () => {
    expect((await list()).appPasswords).toEqual([]);
    const created = await json<CreatedAppPassword>(owner.post(`/api/users/${MAILBOX}/app-passwords`, { name: "Alice's phone" }), 201);
    expect(created.appPassword).toMatchObject({ mailbox: MAILBOX, name: "Alice's phone", purpose: 'person', createdBy: 'owner@example.com', jobId: null, deleteError: null });
    // The secret is a real app password at PurelyMail (the sandbox accepts it for the mailbox), named as asked.
    expect(t.runtime.sandbox!.verifyAppPassword(MAILBOX, created.secret)).toBe(true);
    expect(sandboxNames(MAILBOX)).toEqual(["Alice's phone"]);
    // The sandbox got exactly PurelyMail's field names.
    const call = t.runtime.sandbox!.requests().filter((r) => r.op === 'createAppPassword').at(-1)!;
    expect(Object.keys(call.body as object).sort()).toEqual(['name', 'userHandle']);

    const listed = await list();
    expect(listed.appPasswords).toEqual([created.appPassword]);
    expect(JSON.stringify(listed)).not.toContain(created.secret);
    // Another mailbox's list does not show it; a revoke under another mailbox is a 404 and changes nothing.
    expect((await list('bob@northwind.example')).appPasswords).toEqual([]);
    expect((await owner.del(`/api/users/bob@northwind.example/app-passwords/${created.appPassword.id}`)).status).toBe(404);

    const revoked = await json<{ outcome: string }>(owner.del(`/api/users/${MAILBOX}/app-passwords/${created.appPassword.id}`), 200);
    expect(revoked.outcome).toBe('deleted');
    expect(t.runtime.sandbox!.verifyAppPassword(MAILBOX, created.secret)).toBe(false);
    expect((await list()).appPasswords).toEqual([]);
    expect((await owner.del(`/api/users/${MAILBOX}/app-passwords/${created.appPassword.id}`)).status).toBe(404);

    const entries = [...(await audit('user.app_password.create')), ...(await audit('user.app_password.revoke'))];
    expect(entries.map((e) => `${e.action} ${e.target} ${e.result}`)).toEqual(
      expect.arrayContaining([`user.app_password.create ${MAILBOX} ok`, `user.app_password.revoke ${MAILBOX} ok`]),
    );
    expect(JSON.stringify(entries)).not.toContain(created.secret);
  });

  it('refuses bad input with a clear 4xx and creates nothing', async () => {
    const before = t.runtime.sandbox!.requests().filter((r) => r.op === 'createAppPassword').length;
    const empty = await owner.post(`/api/users/${MAILBOX}/app-passwords`, { name: '  ' });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain('name');
    expect((await owner.post(`/api/users/${MAILBOX}/app-passwords`, { name: 'x\ny' })).status).toBe(400);
    expect((await owner.post(`/api/users/${MAILBOX}/app-passwords`, { name: 'ok', secret: 'mine' })).status).toBe(400);
    expect((await owner.del(`/api/users/${MAILBOX}/app-passwords/..%2Fetc`)).status).toBe(400);
    const unknown = await owner.post('/api/users/nobody@northwind.example/app-passwords', { name: 'phone' });
    expect(unknown.status).toBeGreaterThanOrEqual(400);
    expect(unknown.status).toBeLessThan(500);
    expect(t.runtime.sandbox!.requests().filter((r) => r.op === 'createAppPassword').length).toBe(before + 1);
  });

  it('a failed revoke at PurelyMail is shown, kept, and not lost', async () => {
    const created = await json<CreatedAppPassword>(owner.post(`/api/users/${MAILBOX}/app-passwords`, { name: 'Laptop' }), 201);
    t.runtime.sandbox!.injectFault({ op: 'deleteAppPassword', status: 500, count: 10 });
    const failed = await owner.del(`/api/users/${MAILBOX}/app-passwords/${created.appPassword.id}`);
    expect(failed.status).toBeGreaterThanOrEqual(400);
    t.runtime.sandbox!.clearFaults();
    const [kept] = (await list()).appPasswords;
    expect(kept?.id).toBe(created.appPassword.id);
    expect(kept?.deleteError).toBeTruthy();
    expect(t.runtime.sandbox!.verifyAppPassword(MAILBOX, created.secret)).toBe(true);
    // The asked-for revoke is not lost: the next sweep carries it out, and the audit log says so.
    expect(await t.runtime.deps.appPasswords.sweep()).toMatchObject({ deleted: 1, failed: 0 });
    expect(t.runtime.sandbox!.verifyAppPassword(MAILBOX, created.secret)).toBe(false);
    expect((await list()).appPasswords).toEqual([]);
    expect((await audit('user.app_password.revoke'))[0]).toMatchObject({ actor: 'scheduled cleanup', target: MAILBOX, result: 'ok' });
  });

  it('a job without a destination password gets an app password, its run logs in with it, and deleting the job deletes it', async () => {
    const mailbox = 'bob@northwind.example';
    const created = await json<JobDetail>(
      owner.post('/api/migrations/jobs', { name: 'Bob', source: { serverId: source.id, user: 'bob', password: SOURCE_CANARY }, dest: { serverId: dest.id, user: mailbox }, start: 'full' }),
      201,
    );
    expect(created.job.destCredential).toEqual({ kind: 'app_password', appPasswordId: expect.stringMatching(/^apw_/), name: 'PurelyManage migration job Bob' });
    expect(sandboxNames(mailbox)).toEqual(['PurelyManage migration job Bob']);
    const ended = await untilEnded(created.runs[0]!.id);
    expect(ended.state).toBe('succeeded');
    expect(ended.destCredential).toEqual(created.job.destCredential);
    // imapsync's destination passfile held exactly the app password PurelyMail issued (compared through hashes).
    const argv = JSON.parse(readFileSync(argvLog, 'utf8')) as { passfiles: Record<string, { firstLineSha256: string }> };
    // The job's sealed destination password, opened as the worker opens it, is the app password PurelyMail accepts.
    const record = (await t.runtime.migrations.stores.jobs.get(created.job.id))!;
    const opened = await createLocalSecretOpener(join(dataDir(), 'master.key')).open(record.dest.sealedPassword, { kind: SEALED_KIND.dest, id: created.job.id });
    expect(t.runtime.sandbox!.verifyAppPassword(mailbox, opened)).toBe(true);
    expect(sandboxHashes(mailbox)).toEqual([sandboxHash(opened)]);
    expect(argv.passfiles['2']!.firstLineSha256).toBe(createHash('sha256').update(opened).digest('hex'));

    const [listed] = (await list(mailbox)).appPasswords;
    expect(listed).toMatchObject({ purpose: 'migration', jobId: created.job.id, name: 'PurelyManage migration job Bob' });
    // A migration's app password is not revoked from the user's page while its job exists.
    expect((await owner.del(`/api/users/${mailbox}/app-passwords/${listed!.id}`)).status).toBe(409);

    expect((await owner.del(`/api/migrations/jobs/${created.job.id}`)).status).toBe(204);
    expect(sandboxNames(mailbox)).toEqual([]);
    expect((await list(mailbox)).appPasswords).toEqual([]);
    const deletes = await audit('migration.app_password.delete');
    expect(deletes[0]).toMatchObject({ target: mailbox, result: 'ok' });
    expect((await audit('migration.app_password.create'))[0]).toMatchObject({ target: mailbox, result: 'ok' });
    expect(seen.join('\n')).not.toContain(SOURCE_CANARY);
  });

  it('a CSV row without dest_password gets an app password; one with it keeps the typed password', async () => {
    const csv = `source_email,source_password,dest_email,dest_password\nelena,${SOURCE_CANARY},elena@northwind.example,\nfarid,${SOURCE_CANARY},farid@northwind.example,typed-dest-pass-1\n`;
    const preview = await json<{ ok: boolean; rows: { hasDestPassword: boolean; errors: string[] }[] }>(owner.post('/api/migrations/import/preview', { csv, sourceServerId: source.id, destServerId: dest.id }), 200);
    expect(preview.ok).toBe(true);
    expect(preview.rows.map((r) => r.hasDestPassword)).toEqual([false, true]);
    const imported = await json<{ batch: { id: string } }>(owner.post('/api/migrations/import', { csv, sourceServerId: source.id, destServerId: dest.id, batchName: 'CSV', mode: 'full', start: 'later' }), 201);
    const jobs = (await json<{ jobs: { dest: { user: string }; destCredential: unknown }[] }>(owner.get(`/api/migrations/batches/${imported.batch.id}`), 200)).jobs;
    const byUser = Object.fromEntries(jobs.map((j) => [j.dest.user, j.destCredential]));
    expect(byUser['elena@northwind.example']).toMatchObject({ kind: 'app_password', name: expect.stringContaining('PurelyManage migration job') });
    expect(byUser['farid@northwind.example']).toEqual({ kind: 'typed' });
    expect(sandboxNames('elena@northwind.example')).toHaveLength(1);
    expect(sandboxNames('farid@northwind.example')).toEqual([]);

    // The batch's round ends where no subscriber deletes its app passwords (on AWS: the dispatch function): the
    // regular sweep finds the batch finished and deletes them; an open batch's are kept.
    expect((await t.runtime.deps.appPasswords.sweep()).deleted).toBe(0);
    expect(sandboxNames('elena@northwind.example')).toHaveLength(1);
    expect(await createDynamoBatchStore(t.runtime.table).finish(imported.batch.id, 1, clock.now().toISOString(), { failedJobs: 0, cancelledJobs: 0 })).toBe(true);
    expect(await t.runtime.deps.appPasswords.sweep()).toMatchObject({ deleted: 1, failed: 0 });
    expect(sandboxNames('elena@northwind.example')).toEqual([]);
    expect((await audit('migration.app_password.delete'))[0]).toMatchObject({ actor: 'scheduled cleanup', target: 'elena@northwind.example', result: 'ok', details: expect.stringContaining('batch "CSV" finished') });
  });

  it('a destination outside the PurelyMail account needs its typed password (a 4xx that says so)', async () => {
    const res = await owner.post('/api/migrations/jobs', { name: 'Elsewhere', source: { serverId: source.id, user: 'x', password: SOURCE_CANARY }, dest: { serverId: dest.id, user: 'someone@elsewhere.example' } });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('give its password');
  });

  it('the sweep deletes a migration app password unused for N days and the next run makes a new one', async () => {
    const mailbox = 'carmen@northwind.example';
    const created = await json<JobDetail>(
      owner.post('/api/migrations/jobs', { name: 'Carmen', source: { serverId: source.id, user: 'carmen', password: SOURCE_CANARY }, dest: { serverId: dest.id, user: mailbox }, start: 'full' }),
      201,
    );
    await untilEnded(created.runs[0]!.id);
    const sweep = t.runtime.deps.appPasswords.sweep;
    expect(await sweep()).toMatchObject({ deleted: 0 });
    expect(sandboxNames(mailbox)).toHaveLength(1);
    clock.advance(4 * DAY);
    await signInAgain();
    // Carmen's: unused for more than 3 days (the CSV test's for elena went when its batch finished).
    expect(await sweep()).toMatchObject({ deleted: 1, failed: 0, kept: 0 });
    expect(sandboxNames(mailbox)).toEqual([]);
    expect(sandboxNames('elena@northwind.example')).toEqual([]);
    expect((await audit('migration.app_password.delete'))[0]).toMatchObject({ actor: 'scheduled cleanup', target: mailbox, result: 'ok' });

    // A delta run later: a fresh app password is made for it, and the run uses it.
    const again = await json<Run>(owner.post(`/api/migrations/jobs/${created.job.id}/runs`, { kind: 'full' }), 202);
    expect(sandboxNames(mailbox)).toEqual(['PurelyManage migration job Carmen']);
    const job = await json<JobDetail>(owner.get(`/api/migrations/jobs/${created.job.id}`), 200);
    expect(job.job.destCredential).toMatchObject({ kind: 'app_password' });
    expect(job.job.destCredential).not.toEqual(created.job.destCredential);
    expect((await untilEnded(again.id)).state).toBe('succeeded');
  }, 90_000);

  it('an app password whose job is gone is deleted by the sweep; a failed deletion is retried', async () => {
    const mailbox = 'deepak@northwind.example';
    const made = await t.runtime.deps.appPasswords.create({ mailbox, name: 'PurelyManage migration job lost', purpose: 'migration', actor: 'test', jobId: 'job_neverwritten00' });
    clock.advance(2 * 3_600_000);
    await signInAgain();
    t.runtime.sandbox!.injectFault({ op: 'deleteAppPassword', status: 500, count: 10 });
    expect(await t.runtime.deps.appPasswords.sweep()).toMatchObject({ failed: 1 });
    const [kept] = (await list(mailbox)).appPasswords as AppPassword[];
    expect(kept).toMatchObject({ id: made.record.id, deleteError: expect.any(String) });
    t.runtime.sandbox!.clearFaults();
    await new Promise((r) => setTimeout(r, 50));
    const second = await t.runtime.deps.appPasswords.sweep();
    expect(second).toMatchObject({ deleted: 1, failed: 0 });
    expect(t.runtime.sandbox!.verifyAppPassword(mailbox, made.secret)).toBe(false);
  });
});
