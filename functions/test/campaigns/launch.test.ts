import type { BatchDetail, CampaignDetail, CampaignLink, LaunchResult, Run } from '@app/shared';
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../support/api-client.ts';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';
import { startDovecot, type Dovecot } from '../migrations/dovecot.ts';
import { waitFor } from '../migrations/engine-fixture.ts';
import { createLocalSecretOpener } from '../../src/adapters/local-secret-box/local-secret-box.ts';
import { SEALED_KIND } from '../../src/modules/migrations/ports.ts';

const STAND_IN = join(import.meta.dirname, '..', '..', '..', 'migrator-container', 'test', 'stand-in', 'imapsync');
const ZED = `Zed-${randomUUID()}`;
const ALICE_DEST = `AliceNew-${randomUUID()}`;
const BOB = `Bob-${randomUUID()}`;
const CARMEN = `Carmen-${randomUUID()}`;
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

// The API seals a submission under the id of the job it will become; the real worker opens it at run time.
describe('campaign launch: mailboxes created, one job per submission in a batch, run by the real worker', () => {
  let t: TestRuntime;
  let owner: ApiClient;
  let dovecot: Dovecot;
  let campaign: CampaignLink['campaign'];
  let argvDir: string;

  beforeAll(async () => {
    process.env.IMAPSYNC_STANDIN_FIXTURE = '01-success';
    process.env.IMAPSYNC_STANDIN_SPEED = '0';
    // The same dovecot is both servers: alice's existing destination mailbox lives there too.
    dovecot = await startDovecot({ 'zed@old.example': ZED, 'alice@old.example': 'alice-old-password', 'alice@northwind.example': ALICE_DEST, 'bob@old.example': BOB, 'carmen@old.example': CARMEN });
    t = await startTestRuntime({ IMAPSYNC_COMMAND: STAND_IN, MIGRATION_HEARTBEAT_SECONDS: '1' });
    argvDir = join(t.runtime.migrations.logDir, '..');
    process.env.IMAPSYNC_STANDIN_ARGV_LOG = join(argvDir, 'argv.json');
    owner = await t.setupOwner();
    const source = await owner.json<{ id: string }>(owner.post('/api/migrations/servers', { name: 'Old', host: '127.0.0.1', port: dovecot.port, tls: 'none', verifyCert: false }));
    const dest = await owner.json<{ id: string }>(owner.post('/api/migrations/servers', { name: 'PurelyMail', host: '127.0.0.1', port: dovecot.port, tls: 'none' }));
    const created = await owner.json<CampaignLink>(owner.post('/api/migrations/campaigns', { name: 'Old Co', requester: 'IT', sourceServerId: source.id, destServerId: dest.id, destDomain: 'northwind.example' }));
    campaign = created.campaign;
    const token = new URL(created.link).hash.slice(3);
    expect((await t.anonymous().post('/api/public/campaigns/submit', { token, name: 'Zed', sourceEmail: 'zed@old.example', sourcePassword: ZED })).status).toBe(201);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await dovecot?.stop();
  });

  it('shows "will be created", maps by hand with a checked destination password, launches once and runs the jobs with the sealed passwords', async () => {
    // A row added by the admin, mapped to an existing PurelyMail mailbox (its password typed by the admin).
    const add = await owner.post(`/api/migrations/campaigns/${campaign.id}/submissions`, { name: 'Alice', sourceEmail: 'alice@old.example', sourcePassword: 'alice-old-password' });
    expect(add.status).toBe(201);
    let detail = await owner.json<CampaignDetail>(owner.get(`/api/migrations/campaigns/${campaign.id}`));
    expect(detail.knownAddresses).toContain('alice@northwind.example');
    const zed = detail.submissions.find((s) => s.sourceEmail === 'zed@old.example')!;
    const alice = detail.submissions.find((s) => s.sourceEmail === 'alice@old.example')!;
    expect(zed).toMatchObject({ destEmail: 'zed@northwind.example', willBeCreated: true });
    expect(alice).toMatchObject({ destEmail: 'alice@northwind.example', willBeCreated: false, hasDestPassword: false, via: 'admin' });

    // A mistyped destination password is refused by a real login on the destination server and not kept.
    const wrong = await owner.put(`/api/migrations/campaigns/${campaign.id}/submissions/${alice.id}`, { destEmail: 'alice@northwind.example', destPassword: `${ALICE_DEST}-typo`, version: alice.version });
    expect(wrong.status).toBe(400);
    const wrongBody = await wrong.text();
    expect(wrongBody).toMatch(/destination server refused the sign-in/);
    expect(wrongBody).not.toContain(ALICE_DEST);
    expect((JSON.parse(wrongBody) as { error: { fields?: { path: string }[] } }).error.fields?.map((f) => f.path)).toEqual(['destPassword']);
    const unchanged = (await owner.json<CampaignDetail>(owner.get(`/api/migrations/campaigns/${campaign.id}`))).submissions.find((s) => s.id === alice.id)!;
    expect(unchanged).toMatchObject({ version: alice.version, hasDestPassword: false });

    const mapped = await owner.put(`/api/migrations/campaigns/${campaign.id}/submissions/${alice.id}`, { destEmail: 'alice@northwind.example', destPassword: ALICE_DEST, version: alice.version });
    expect(mapped.status).toBe(200);
    expect(await mapped.text()).not.toContain(ALICE_DEST);

    const res = await owner.post(`/api/migrations/campaigns/${campaign.id}/launch`, { start: 'full', submissionIds: [zed.id, alice.id] });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const launched = (await res.json()) as LaunchResult;
    expect(launched.skipped).toEqual([]);
    expect(launched.jobIds).toHaveLength(2);
    expect(launched.createdMailboxes).toEqual([{ address: 'zed@northwind.example', password: expect.stringMatching(/^[A-Za-z2-9]{20}$/) }]);
    const generated = launched.createdMailboxes[0]!.password;
    expect(Object.keys(t.runtime.sandbox!.state.users)).toContain('zed@northwind.example');

    // A second click finds nothing left to launch.
    expect(await owner.json<LaunchResult>(owner.post(`/api/migrations/campaigns/${campaign.id}/launch`, { start: 'full' }))).toMatchObject({ batchId: null, jobIds: [] });

    const batch = await owner.json<BatchDetail>(owner.get(`/api/migrations/batches/${launched.batchId}`));
    expect(batch.batch).toMatchObject({ origin: 'campaign', campaignId: campaign.id, jobCount: 2 });
    for (const jobId of launched.jobIds) {
      const run = await waitFor(`job ${jobId}`, async () => {
        const d = await owner.json<{ job: { latestRun: Run | null } }>(owner.get(`/api/migrations/jobs/${jobId}`));
        const r = d.job.latestRun;
        return r && ['succeeded', 'failed', 'cancelled', 'interrupted'].includes(r.state) ? r : undefined;
      }, 60_000);
      expect(run.state).toBe('succeeded');
    }
    // The worker opened the submission's sealed blobs: imapsync got exactly these passwords (the last run's passfiles).
    const argv = JSON.parse(readFileSync(join(argvDir, 'argv.json'), 'utf8')) as { passfiles: Record<string, { firstLineSha256: string }> };
    const pair = [argv.passfiles['1']!.firstLineSha256, argv.passfiles['2']!.firstLineSha256];
    expect([[sha(ZED), sha(generated)], [sha('alice-old-password'), sha(ALICE_DEST)]]).toContainEqual(pair);

    detail = await owner.json<CampaignDetail>(owner.get(`/api/migrations/campaigns/${campaign.id}`));
    expect(detail.batchIds).toEqual([launched.batchId]);
    expect(detail.submissions.every((s) => s.jobId && launched.jobIds.includes(s.jobId))).toBe(true);
    const audit = await t.runtime.deps.audit.query({ action: 'campaign.launch', limit: 10 });
    expect(JSON.stringify(audit)).not.toContain(generated);
    expect(t.logs.join('\n')).not.toContain(generated);
  }, 120_000);

  it('an existing PurelyMail mailbox needs no password: launch makes an app password for its job, the run signs in with it', async () => {
    const add = await owner.post(`/api/migrations/campaigns/${campaign.id}/submissions`, { name: 'Bob', sourceEmail: 'bob@old.example', sourcePassword: BOB });
    expect(add.status).toBe(201);
    const detail = await owner.json<CampaignDetail>(owner.get(`/api/migrations/campaigns/${campaign.id}`));
    const bob = detail.submissions.find((s) => s.sourceEmail === 'bob@old.example')!;
    expect(bob).toMatchObject({ destEmail: 'bob@northwind.example', willBeCreated: false, hasDestPassword: false });

    const launched = await owner.json<LaunchResult>(owner.post(`/api/migrations/campaigns/${campaign.id}/launch`, { start: 'full', submissionIds: [bob.id] }));
    expect(launched.skipped).toEqual([]);
    expect(launched.createdMailboxes).toEqual([]);
    const [jobId] = launched.jobIds;
    const names = t.runtime.sandbox!.state.users['bob@northwind.example']!.appPasswords.map((p) => p.name);
    expect(names).toEqual(['PurelyManage migration job Old Co: bob@old.example']);
    const run = await waitFor(`job ${jobId}`, async () => {
      const d = await owner.json<{ job: { latestRun: Run | null; destCredential: unknown } }>(owner.get(`/api/migrations/jobs/${jobId}`));
      const r = d.job.latestRun;
      return r && ['succeeded', 'failed', 'cancelled', 'interrupted'].includes(r.state) ? { r, credential: d.job.destCredential } : undefined;
    }, 60_000);
    expect(run.r.state).toBe('succeeded');
    expect(run.credential).toMatchObject({ kind: 'app_password', name: names[0] });
    expect(run.r.destCredential).toEqual(run.credential);
    // imapsync's destination passfile held a secret the sandbox accepts as bob's app password (compared by hash).
    const argv = JSON.parse(readFileSync(join(argvDir, 'argv.json'), 'utf8')) as { passfiles: Record<string, { firstLineSha256: string }> };
    expect(argv.passfiles['1']!.firstLineSha256).toBe(sha(BOB));
    const record = (await t.runtime.migrations.stores.jobs.get(jobId!))!;
    const opened = await createLocalSecretOpener(join(argvDir, 'master.key')).open(record.dest.sealedPassword, { kind: SEALED_KIND.dest, id: jobId! });
    expect(argv.passfiles['2']!.firstLineSha256).toBe(sha(opened));
    // Bob's batch finished with that run (its round is over): the app password is deleted at PurelyMail at once.
    await waitFor('the batch to finish', async () => (await owner.json<BatchDetail>(owner.get(`/api/migrations/batches/${launched.batchId}`))).batch.state === 'finished');
    await waitFor("bob's app password to be deleted", async () => !t.runtime.sandbox!.verifyAppPassword('bob@northwind.example', opened));
    expect(t.runtime.sandbox!.state.users['bob@northwind.example']!.appPasswords).toEqual([]);
    expect((await owner.json<{ appPasswords: unknown[] }>(owner.get('/api/users/bob@northwind.example/app-passwords'))).appPasswords).toEqual([]);
    const deleted = await t.runtime.deps.audit.query({ action: 'migration.app_password.delete', limit: 10 });
    expect(deleted.entries.find((e) => e.target === 'bob@northwind.example')).toMatchObject({ result: 'ok', details: expect.stringContaining(`batch ${launched.batchId} finished`) });
    // A next round of the job makes a fresh one (the job is kept).
    const again = await owner.json<Run>(owner.post(`/api/migrations/jobs/${jobId}/runs`, { kind: 'full' }));
    expect(t.runtime.sandbox!.state.users['bob@northwind.example']!.appPasswords.map((p) => p.name)).toEqual([expect.stringContaining('PurelyManage migration job')]);
    await waitFor('the second run', async () => ['succeeded', 'failed'].includes((await owner.json<Run>(owner.get(`/api/migrations/runs/${again.id}`))).state));
  }, 120_000);

  it('closing the campaign deletes the app passwords of its jobs at once (PurelyMail no longer has them); a later run makes a fresh one', async () => {
    expect((await owner.post(`/api/migrations/campaigns/${campaign.id}/submissions`, { name: 'Carmen', sourceEmail: 'carmen@old.example', sourcePassword: CARMEN })).status).toBe(201);
    const carmen = (await owner.json<CampaignDetail>(owner.get(`/api/migrations/campaigns/${campaign.id}`))).submissions.find((s) => s.sourceEmail === 'carmen@old.example')!;
    const launched = await owner.json<LaunchResult>(owner.post(`/api/migrations/campaigns/${campaign.id}/launch`, { start: 'none', submissionIds: [carmen.id] }));
    const [jobId] = launched.jobIds;
    const names = () => t.runtime.sandbox!.state.users['carmen@northwind.example']!.appPasswords.map((p) => p.name);
    expect(names()).toEqual(['PurelyManage migration job Old Co: carmen@old.example']);
    const record = (await t.runtime.migrations.stores.jobs.get(jobId!))!;
    const opened = await createLocalSecretOpener(join(argvDir, 'master.key')).open(record.dest.sealedPassword, { kind: SEALED_KIND.dest, id: jobId! });
    expect(t.runtime.sandbox!.verifyAppPassword('carmen@northwind.example', opened)).toBe(true);

    const closed = await owner.post(`/api/migrations/campaigns/${campaign.id}/deactivate`);
    expect(closed.status).toBe(200);
    expect(await closed.json()).toMatchObject({ id: campaign.id, status: expect.any(String) });
    // At once, in the same request: PurelyMail no longer has it, nor does the panel's list.
    expect(t.runtime.sandbox!.verifyAppPassword('carmen@northwind.example', opened)).toBe(false);
    expect(names()).toEqual([]);
    expect((await owner.json<{ appPasswords: unknown[] }>(owner.get('/api/users/carmen@northwind.example/app-passwords'))).appPasswords).toEqual([]);
    const deleted = await t.runtime.deps.audit.query({ action: 'migration.app_password.delete', limit: 20 });
    expect(deleted.entries.find((e) => e.target === 'carmen@northwind.example')).toMatchObject({ result: 'ok', actor: 'owner@example.com', details: expect.stringContaining('campaign "Old Co" was closed') });
    const closeEntry = (await t.runtime.deps.audit.query({ action: 'campaign.deactivate', limit: 5 })).entries[0]!;
    expect(closeEntry.details).toContain('1 deleted, 0 failed');

    // The job stays; starting it makes a fresh app password and the run signs in with it.
    const run = await owner.json<Run>(owner.post(`/api/migrations/jobs/${jobId}/runs`, { kind: 'full' }));
    expect(names()).toEqual([expect.stringContaining('PurelyManage migration job')]);
    const ended = await waitFor('the run', async () => {
      const r = await owner.json<Run>(owner.get(`/api/migrations/runs/${run.id}`));
      return ['succeeded', 'failed', 'cancelled', 'interrupted'].includes(r.state) && r;
    }, 60_000);
    expect(ended.state).toBe('succeeded');
  }, 120_000);
});
