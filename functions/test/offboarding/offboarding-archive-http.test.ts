import type { AuditPage, CreatedAppPassword, JobDetail, Offboarding, OffboardingResponse, PendingActionOverview, Run } from '@app/shared';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../support/api-client.ts';
import { FakeClock, TEST_PASSWORD, startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';
import { waitFor } from '../migrations/engine-fixture.ts';
import { createLocalSecretOpener } from '../../src/adapters/local-secret-box/local-secret-box.ts';
import { SEALED_KIND } from '../../src/modules/migrations/ports.ts';

const STAND_IN = join(import.meta.dirname, '..', '..', '..', 'migrator-container', 'test', 'stand-in', 'imapsync');
const OLD_PASSWORD = 'Quartz-Meadow-Lantern-42';
const ARCHIVE = 'archive@northwind.example';
const DAY = 86_400_000;
const COPY_NAME = 'PurelyManage migration job Off-boarding archive';

/**
 * Off-boarding with an archive copy, through the HTTP API against the PurelyMail sandbox and the stand-in imapsync
 * (real runs of the local task runner): the copy signs in with app passwords on both mailboxes, the deletion waits
 * for it and is refused when it did not succeed, and cancelling the off-boarding cancels a copy still running.
 */
describe('off-boarding with an archive copy (HTTP, sandbox, stand-in imapsync)', () => {
  let t: TestRuntime;
  let owner: ApiClient;
  let server: { id: string };
  let argvLog: string;
  const clock = new FakeClock(Date.now());
  const sandbox = () => t.runtime.sandbox!;
  const dataDir = () => join(t.runtime.migrations.logDir, '..');

  const json = async <T>(res: Promise<Response> | Response, status: number): Promise<T> => {
    const r = await res;
    const text = await r.text();
    if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${text}`);
    return JSON.parse(text) as T;
  };
  const signIn = async () => {
    owner = t.anonymous();
    await json(owner.post('/api/auth/login', { email: 'owner@example.com', password: TEST_PASSWORD }), 200);
  };
  const createUser = async (localPart: string) => {
    await json(owner.post('/api/users', { localPart, domain: 'northwind.example', password: OLD_PASSWORD }), 201);
    return `${localPart}@northwind.example`;
  };
  const audit = async (action: string) => (await json<AuditPage>(owner.get(`/api/audit?action=${action}`), 200)).entries;
  const pending = () => json<PendingActionOverview>(owner.get('/api/pending-actions'), 200);
  const record = async (address: string) => (await json<OffboardingResponse>(owner.get(`/api/users/${address}/offboard`), 200)).offboarding!;
  const copyNames = (mailbox: string) => (sandbox().state.users[mailbox]?.appPasswords ?? []).map((p) => p.name).filter((n) => n.startsWith(COPY_NAME));
  const untilArchive = (address: string, states: string[]) =>
    waitFor(`the archive copy of ${address} to be ${states.join('/')}`, async () => {
      const r = await record(address);
      return states.includes(r.archive!.state) && r;
    }, 60_000);
  const useFixture = (name: string, speed: string) => {
    process.env.IMAPSYNC_STANDIN_FIXTURE = name;
    process.env.IMAPSYNC_STANDIN_SPEED = speed;
  };

  beforeAll(async () => {
    useFixture('01-success', '0');
    t = await startTestRuntime({ IMAPSYNC_COMMAND: STAND_IN, MIGRATION_HEARTBEAT_SECONDS: '1' }, clock);
    argvLog = join(dataDir(), 'argv-offboarding-archive.json');
    process.env.IMAPSYNC_STANDIN_ARGV_LOG = argvLog;
    owner = await t.setupOwner();
    server = await json(owner.post('/api/migrations/servers', { name: 'PurelyMail lab', host: '127.0.0.1', port: 2143, tls: 'none' }), 201);
    await createUser('archive');
  }, 60_000);
  afterAll(async () => {
    delete process.env.IMAPSYNC_STANDIN_ARGV_LOG;
    await t?.close();
  });

  it('copies with app passwords on both mailboxes (made after the rotation and the revoke), deletes them when the copy ends, then the deletion runs', async () => {
    useFixture('01-success', '0.2');
    const leaver = await createUser('leaver');
    const phone = await json<CreatedAppPassword>(owner.post(`/api/users/${leaver}/app-passwords`, { name: 'Phone' }), 201);
    const { offboarding } = await json<{ offboarding: Offboarding }>(owner.post(`/api/users/${leaver}/offboard`, { deleteAfterDays: 1, archive: { mailbox: ` ${ARCHIVE.toUpperCase()} `, serverId: server.id } }), 201);
    expect(offboarding.steps.map((s) => `${s.name} ${s.state}`)).toEqual(['rotate_password done', 'revoke_app_passwords done', 'archive_copy done', 'forward skipped', 'schedule_deletion done']);
    expect(offboarding.status).toBe('scheduled');
    expect(offboarding.archive).toMatchObject({ mailbox: ARCHIVE, serverId: server.id, state: 'queued', appPasswords: 'held', jobId: expect.stringMatching(/^job_/) });
    expect(offboarding.steps[4]!.detail).toContain('only if the archive copy has succeeded');
    const jobId = offboarding.archive!.jobId!;

    // While it copies: the person's own app password is revoked; the copy holds one on each mailbox, and the source one
    // works although the password was just rotated (it was made after the rotation and the revoke).
    expect(sandbox().verifyAppPassword(leaver, phone.secret)).toBe(false);
    expect(sandbox().verifyPassword(leaver, OLD_PASSWORD)).toBe(false);
    expect(copyNames(leaver)).toHaveLength(1);
    expect(copyNames(ARCHIVE)).toHaveLength(1);
    const job = (await t.runtime.migrations.stores.jobs.get(jobId))!;
    expect(job).toMatchObject({ source: { user: leaver, serverId: server.id }, dest: { user: ARCHIVE, serverId: server.id } });
    const opener = createLocalSecretOpener(join(dataDir(), 'master.key'));
    const sourceSecret = await opener.open(job.source.sealedPassword, { kind: SEALED_KIND.source, id: jobId });
    const destSecret = await opener.open(job.dest.sealedPassword, { kind: SEALED_KIND.dest, id: jobId });
    expect(sandbox().verifyAppPassword(leaver, sourceSecret)).toBe(true);
    expect(sandbox().verifyAppPassword(ARCHIVE, destSecret)).toBe(true);
    // A copy's app password belongs to its job: not revocable from the user's page meanwhile.
    const held = (await json<{ appPasswords: { id: string; jobId: string | null }[] }>(owner.get(`/api/users/${leaver}/app-passwords`), 200)).appPasswords;
    expect(held.map((p) => p.jobId)).toEqual([jobId]);
    expect((await owner.del(`/api/users/${leaver}/app-passwords/${held[0]!.id}`)).status).toBe(409);

    const ended = await untilArchive(leaver, ['succeeded', 'failed', 'cancelled']);
    const detail = await json<JobDetail>(owner.get(`/api/migrations/jobs/${jobId}`), 200);
    const run = detail.runs[0]!;
    expect(run.state).toBe('succeeded');
    expect(ended.archive).toMatchObject({ state: 'succeeded', runId: run.id, runState: 'succeeded', messagesCopied: run.outcome!.stats!.transferred, appPasswords: 'deleted' });
    expect(run.outcome!.stats!.transferred).toBeGreaterThan(0);
    expect(ended.archive!.verdict).toContain('looks good');
    // imapsync read both passwords from passfiles holding exactly those app passwords (compared through hashes).
    const argv = JSON.parse(readFileSync(argvLog, 'utf8')) as { passfiles: Record<string, { firstLineSha256: string }> };
    expect(argv.passfiles['1']!.firstLineSha256).toBe(createHash('sha256').update(sourceSecret).digest('hex'));
    expect(argv.passfiles['2']!.firstLineSha256).toBe(createHash('sha256').update(destSecret).digest('hex'));
    // The copy ended: its app passwords are gone at PurelyMail and from the panel.
    expect(sandbox().verifyAppPassword(leaver, sourceSecret)).toBe(false);
    expect(sandbox().verifyAppPassword(ARCHIVE, destSecret)).toBe(false);
    expect(copyNames(leaver)).toEqual([]);
    expect(copyNames(ARCHIVE)).toEqual([]);
    expect((await json<{ appPasswords: unknown[] }>(owner.get(`/api/users/${ARCHIVE}/app-passwords`), 200)).appPasswords).toEqual([]);

    for (const name of ['user.offboard.archive.start', 'user.offboard.archive.finish']) {
      expect((await audit(name)).filter((e) => e.target === leaver).map((e) => e.result), name).toEqual(['ok']);
    }
    const everything = JSON.stringify([ended, await audit('user.offboard'), await audit('migration.app_password')]);
    for (const secret of [sourceSecret, destSecret, phone.secret]) expect(everything).not.toContain(secret);

    // A day later the deletion runs: the copy succeeded.
    clock.advance(DAY + 60_000);
    await t.runtime.deps.pendingActions.sweep(clock.now());
    await signIn();
    expect(sandbox().state.users[leaver]).toBeUndefined();
    const after = await record(leaver);
    expect(after.status).toBe('deleted');
    expect(after.steps.at(-1)).toMatchObject({ name: 'delete_mailbox', state: 'done' });
    expect((await audit('user.offboard.mailbox.delete')).find((e) => e.target === leaver)).toMatchObject({ result: 'ok' });
  });

  it('a copy that fails: its app passwords are still deleted, and the deletion is refused when due (the mailbox is kept)', async () => {
    useFixture('03-wrong-source-password', '0');
    const leaver = await createUser('leaver2');
    const { offboarding } = await json<{ offboarding: Offboarding }>(owner.post(`/api/users/${leaver}/offboard`, { deleteAfterDays: 1, archive: { mailbox: ARCHIVE, serverId: server.id } }), 201);
    expect(offboarding.status).toBe('scheduled');
    const ended = await untilArchive(leaver, ['succeeded', 'failed', 'cancelled']);
    expect(ended.archive).toMatchObject({ state: 'failed', appPasswords: 'deleted' });
    expect(ended.archive!.verdict).toMatch(/did not succeed/);
    expect(copyNames(leaver)).toEqual([]);
    expect(copyNames(ARCHIVE)).toEqual([]);
    expect((await audit('user.offboard.archive.finish')).find((e) => e.target === leaver)).toMatchObject({ result: 'failed' });

    clock.advance(DAY + 60_000);
    await t.runtime.deps.pendingActions.sweep(clock.now());
    await signIn();
    expect(sandbox().state.users[leaver]).toBeDefined();
    expect(sandbox().requests().filter((r) => r.op === 'deleteUser' && (r.body as { userName: string }).userName === leaver)).toEqual([]);
    const action = (await pending()).finished.find((a) => a.id === offboarding.deletionActionId)!;
    expect(action.status).toBe('failed');
    expect(action.reason).toContain('archive copy');
    const after = await record(leaver);
    expect(after.status).toBe('deletion_failed');
    expect(after.steps.at(-1)).toMatchObject({ name: 'delete_mailbox', state: 'failed', detail: expect.stringContaining('has not succeeded: it failed') });
    expect((await audit('user.offboard.mailbox.delete')).find((e) => e.target === leaver)).toMatchObject({ result: 'failed' });
  });

  it('a copy still running when the deletion comes due: refused; cancelling another off-boarding cancels its running copy', async () => {
    // Recorded timing slowed 100 times: the copy runs for minutes unless cancelled.
    useFixture('01-success', '0.01');
    const leaver = await createUser('leaver3');
    const slow = await json<{ offboarding: Offboarding }>(owner.post(`/api/users/${leaver}/offboard`, { deleteAfterDays: 1, archive: { mailbox: ARCHIVE, serverId: server.id } }), 201);
    await untilArchive(leaver, ['running']);
    clock.advance(DAY + 60_000);
    await t.runtime.deps.pendingActions.sweep(clock.now());
    await signIn();
    expect(sandbox().state.users[leaver]).toBeDefined();
    const refused = (await pending()).finished.find((a) => a.id === slow.offboarding.deletionActionId)!;
    expect(refused).toMatchObject({ status: 'failed', reason: expect.stringContaining('it has not ended yet') });
    // The copy goes on (the mailbox is kept); stop it through its job to end this case.
    const running = await record(leaver);
    expect(running.archive!.state).toBe('running');
    await json(owner.post(`/api/migrations/runs/${running.archive!.runId}/cancel`), 202);
    await untilArchive(leaver, ['cancelled']);

    const other = await createUser('leaver4');
    const { offboarding } = await json<{ offboarding: Offboarding }>(owner.post(`/api/users/${other}/offboard`, { deleteAfterDays: 3, archive: { mailbox: ARCHIVE, serverId: server.id } }), 201);
    await untilArchive(other, ['running']);
    expect(copyNames(other)).toHaveLength(1);
    await json(owner.post(`/api/pending-actions/${offboarding.deletionActionId}/cancel`), 200);
    const cancelled = await untilArchive(other, ['cancelled']);
    expect(cancelled).toMatchObject({ status: 'cancelled', archive: { state: 'cancelled', appPasswords: 'deleted' } });
    const run = await json<Run>(owner.get(`/api/migrations/runs/${cancelled.archive!.runId}`), 200);
    expect(run.state).toBe('cancelled');
    expect(copyNames(other)).toEqual([]);
    expect((await audit('user.offboard.archive.cancel')).find((e) => e.target === other)).toMatchObject({ result: 'ok', actor: 'owner@example.com' });
    expect(sandbox().state.users[other]).toBeDefined();
  });

  it('refuses a bad archive choice with a clear 4xx before changing anything', async () => {
    const leaver = await createUser('leaver5');
    const calls = () => sandbox().requests().filter((r) => r.op === 'modifyUser' || r.op === 'createAppPassword').length;
    const before = calls();
    for (const [archive, words] of [
      [{ mailbox: leaver, serverId: server.id }, 'not to itself'],
      [{ mailbox: 'nobody@northwind.example', serverId: server.id }, 'no mailbox nobody@northwind.example'],
      [{ mailbox: ARCHIVE, serverId: 'srv_missing' }, 'not a saved server'],
      [{ mailbox: ARCHIVE }, 'serverId'],
      [{ mailbox: 'not an address', serverId: server.id }, 'archive.mailbox'],
      [{ mailbox: ARCHIVE, serverId: server.id, password: 'x' }, 'password'],
    ] as const) {
      const res = await owner.post(`/api/users/${leaver}/offboard`, { deleteAfterDays: 3, archive });
      expect(res.status, JSON.stringify(archive)).toBe(400);
      expect(await res.text(), JSON.stringify(archive)).toContain(words);
    }
    expect(calls()).toBe(before);
    expect(await record(leaver).catch(() => null)).toBeNull();
  });
});
