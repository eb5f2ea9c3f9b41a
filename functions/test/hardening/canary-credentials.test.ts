import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api-client.ts';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

/** One canary per credential path, so a leak names the path that leaked. */
const canary = (path: string) => `CANARY-${path}-${randomUUID()}`;
const C = {
  setup: canary('setup'),
  loginWrong: canary('login-wrong'),
  adminCreate: canary('admin-create'),
  passwordNew: canary('password-change'),
  currentWrong: canary('current-wrong'),
  mailboxCreate: canary('mailbox-create'),
  mailboxReset: canary('mailbox-reset'),
  mfaPassword: canary('mfa-password'),
  testLoginSaved: canary('test-login-saved'),
  testLoginAdHoc: canary('test-login-adhoc'),
  jobSource: canary('job-source'),
  jobDest: canary('job-dest'),
  jobEdit: canary('job-edit'),
  csvSource: canary('csv-source'),
  csvDest: canary('csv-dest'),
  campaignPublic: canary('campaign-public'),
  campaignAdmin: canary('campaign-admin'),
};

/** Every file under `dir` (outbox .eml files, run logs, the sandbox's state file, dynalite's files). */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    // The database's socket is no file to read (its data is in dynamodb/).
    else if (e.isFile() && statSync(p).size < 20 * 1024 * 1024) out.push(p);
  }
  return out;
}

// Checklist CS-1 across every credential path the panel has: each password goes in once (or is refused), and
// afterwards none appears in any response, server log line, audit entry, outbox email, file on disk, or
// DynamoDB item (sealed blobs are ciphertext, so a plain search covers "except inside sealed blobs").
describe('canary passwords through every credential path', () => {
  let t: TestRuntime;
  let owner: ApiClient;
  let dataDir: string;
  const seen: string[] = [];
  const call = async (res: Promise<Response>, expected?: number): Promise<Response> => {
    const r = await res;
    const text = await r.clone().text();
    seen.push(`${r.status} ${JSON.stringify([...r.headers])} ${text}`);
    if (expected !== undefined && r.status !== expected) throw new Error(`expected ${expected}, got ${r.status}: ${text}`);
    return r;
  };

  beforeAll(async () => {
    t = await startTestRuntime();
    dataDir = join(t.runtime.migrations.logDir, '..');
  });
  afterAll(() => t?.close());

  it('admin credentials: setup, login (right and wrong), a new admin, a password change, 2FA enrolment', async () => {
    const token = new URL(t.runtime.setupUrl!).hash.replace('#token=', '');
    owner = new ApiClient(t.runtime.url);
    await call(owner.post('/api/setup', { token, email: 'owner@example.com', name: 'Olive Owner', password: C.setup }), 201);
    await call(t.anonymous().post('/api/auth/login', { email: 'owner@example.com', password: C.loginWrong }), 401);
    await call(owner.post('/api/auth/login', { email: 'owner@example.com', password: C.setup }), 200);
    await call(owner.post('/api/admins', { email: 'second@example.com', name: 'Second Admin', password: C.adminCreate }), 201);
    await call(owner.post('/api/account/password', { currentPassword: C.currentWrong, newPassword: C.passwordNew }), 400);
    await call(owner.post('/api/account/password', { currentPassword: C.setup, newPassword: C.passwordNew, endOtherSessions: false }), 200);
    await call(owner.post('/api/account/mfa/enrol', {}), 200);
    // A wrong code with the real password: refused, and the password must not come back in the refusal.
    await call(owner.post('/api/account/mfa/confirm', { code: '000000', password: C.passwordNew }));
    await call(owner.post('/api/account/mfa/confirm', { code: '000000', password: C.mfaPassword }));
  });

  it('mailbox passwords: a new user, a password reset', async () => {
    await call(owner.post('/api/users', { localPart: 'canary', domain: 'northwind.example', password: C.mailboxCreate }), 201);
    expect(t.runtime.sandbox!.verifyPassword('canary@northwind.example', C.mailboxCreate)).toBe(true);
    await call(owner.post('/api/users/canary%40northwind.example/password', { newPassword: C.mailboxReset }));
    expect(t.runtime.sandbox!.verifyPassword('canary@northwind.example', C.mailboxReset)).toBe(true);
    // Emails go out about the mailbox (a scheduled deletion mails every admin) and a test message.
    await call(owner.del('/api/users/canary%40northwind.example'), 201);
    await call(owner.post('/api/notifications/test', {}));
  });

  it('IMAP passwords: test logins (saved server and ad hoc), a job, a credential edit', async () => {
    const server = await (await call(owner.post('/api/migrations/servers', { name: 'Old host', host: '127.0.0.1', port: 1, tls: 'none', verifyCert: false }), 201)).json() as { id: string };
    await call(owner.post(`/api/migrations/servers/${server.id}/test-login`, { user: 'alice', password: C.testLoginSaved }), 200);
    await call(owner.post('/api/migrations/servers/test-login', { host: '127.0.0.1', port: 1, tls: 'none', verifyCert: false, user: 'alice', password: C.testLoginAdHoc }), 200);
    const created = (await (await call(owner.post('/api/migrations/jobs', { name: 'Canary job', source: { serverId: server.id, user: 'alice', password: C.jobSource }, dest: { serverId: server.id, user: 'bob', password: C.jobDest }, start: 'none' }), 201)).json()) as { job: { id: string; version: number } };
    await call(owner.put(`/api/migrations/jobs/${created.job.id}/credentials`, { source: { password: C.jobEdit }, version: created.job.version }), 200);
    await call(owner.get(`/api/migrations/jobs/${created.job.id}`), 200);
  });

  it('bulk CSV import (preview and queue) and a campaign (public submission, admin-added submission)', async () => {
    const servers = (await (await call(owner.get('/api/migrations/servers'), 200)).json()) as { servers: { id: string }[] };
    const id = servers.servers[0]!.id;
    const csv = `source_email,source_password,dest_email,dest_password\r\ncarol@old.example,${C.csvSource},carol@northwind.example,${C.csvDest}\r\n`;
    await call(owner.post('/api/migrations/import/preview', { csv, sourceServerId: id, destServerId: id }), 200);
    await call(owner.post('/api/migrations/import', { csv, sourceServerId: id, destServerId: id, batchName: 'Canary batch', mode: 'full', start: 'later' }), 201);
    const created = (await (await call(owner.post('/api/migrations/campaigns', { name: 'Canary campaign', requester: 'IT', sourceServerId: id, destServerId: id, destPurelyMail: false }), 201)).json()) as { campaign: { id: string }; link: string };
    const token = new URL(created.link).hash.replace('#t=', '');
    // Both are checked against the source server before they are kept; it is unreachable here, so both are
    // refused, and the refusal (the error path, where mailcow leaked passwords) must not carry them either.
    await call(t.anonymous().post('/api/public/campaigns/submit', { token, name: 'Dan', sourceEmail: 'dan@old.example', sourcePassword: C.campaignPublic }), 409);
    await call(owner.post(`/api/migrations/campaigns/${created.campaign.id}/submissions`, { name: 'Eve', sourceEmail: 'eve@old.example', sourcePassword: C.campaignAdmin, destEmail: 'eve@new.example', destPassword: C.campaignAdmin }), 400);
    await call(owner.get(`/api/migrations/campaigns/${created.campaign.id}`));
  });

  it('no canary appears in a response, a log line, an audit entry, an email, a file or a DynamoDB item', async () => {
    await call(owner.get('/api/audit?limit=200'), 200);
    await call(owner.get('/api/audit/export.csv'), 200);
    await call(owner.get('/api/admins'), 200);
    await call(owner.get('/api/sessions'), 200);
    const table = t.runtime.migrations.table;
    const items: unknown[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await table.doc.send(new ScanCommand({ TableName: table.name, ExclusiveStartKey: start }));
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    const stored = JSON.stringify(items);
    expect(stored).toContain('v1:local:'); // the sealed IMAP credentials are there, as ciphertext
    const files = filesUnder(dataDir).map((f) => [f, readFileSync(f).toString('latin1')] as const);
    expect(files.some(([f]) => f.endsWith('.eml')), 'the outbox holds the admin emails').toBe(true);
    const places: [string, string][] = [
      ['responses', seen.join('\n')],
      ['server logs', t.logs.join('\n')],
      ['DynamoDB items', stored],
      ['PurelyMail request log', JSON.stringify(t.runtime.sandbox!.requests())],
      ...files.map(([f, text]): [string, string] => [f.slice(dataDir.length), text]),
    ];
    const leaks = places.flatMap(([where, text]) => Object.entries(C).filter(([, v]) => text.includes(v)).map(([path]) => `${path} in ${where}`));
    expect(leaks).toEqual([]);
  });
});
