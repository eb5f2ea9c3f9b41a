import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PendingAction } from '@app/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../support/api-client.ts';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

/** The local runtime as `npm start` runs it: emails land as .eml files under DATA_DIR/outbox/. */
describe('notifications (local runtime, outbox)', () => {
  let t: TestRuntime;
  let owner: ApiClient;
  let dataDir: string;
  const outbox = () => join(dataDir, 'outbox');
  const emlFiles = () => readdirSync(outbox()).filter((f) => f.endsWith('.eml')).sort();

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'pm-notify-'));
    t = await startTestRuntime({ DATA_DIR: dataDir, MAIL_FROM: 'panel@example.com' });
    owner = await t.setupOwner('owner@example.com');
  });
  afterAll(async () => {
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('"Send test email" writes one RFC 5322 multipart/alternative .eml per recipient', async () => {
    // Act
    const res = await owner.post('/api/notifications/test', {});
    // Assess
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ sent: ['owner@example.com'], skipped: [], queued: [] });
    const [file] = emlFiles();
    const eml = readFileSync(join(outbox(), file!), 'utf8');
    expect(eml).toMatch(/^From: panel@example\.com\r$/m);
    expect(eml).toMatch(/^To: owner@example\.com\r$/m);
    expect(eml).toMatch(/^Subject: PurelyManage test email\r$/m);
    expect(eml).toMatch(/^Date: .+\r$/m);
    expect(eml).toMatch(/^Message-ID: <[0-9a-f]{32}@purelymanage>\r$/m);
    expect(eml).toMatch(/^Content-Type: multipart\/alternative;/m);
    expect(eml).toContain('Content-Type: text/plain; charset=utf-8');
    expect(eml).toContain('Content-Type: text/html; charset=utf-8');
    const audit = await owner.json<{ entries: { action: string; result: string }[] }>(owner.get('/api/audit?action=notifications.test'));
    expect(audit.entries).toHaveLength(1);
  });

  it('sender and extra recipients are settings (optimistic locking), used by the next email', async () => {
    const current = await owner.json<{ version: number; defaultFrom: string; delivery: unknown }>(owner.get('/api/notifications/settings'));
    expect(current.defaultFrom).toBe('panel@example.com');
    // Settings can tell a person where the local runtime's emails are.
    expect(current.delivery).toEqual({ via: 'outbox', outboxDir: outbox(), smtp: false });
    const put = await owner.put('/api/notifications/settings', { from: 'alerts@example.com', extraRecipients: ['Ops@Example.com'], version: current.version });
    expect(put.status).toBe(200);
    expect((await owner.put('/api/notifications/settings', { from: null, version: current.version })).status).toBe(409);
    expect((await owner.put('/api/notifications/settings', { extraRecipients: ['not an email'], version: current.version + 1 })).status).toBe(400);

    const res = await owner.json<{ sent: string[] }>(owner.post('/api/notifications/test', {}));
    expect(res.sent.sort()).toEqual(['ops@example.com', 'owner@example.com']);
    const latest = emlFiles().slice(-2).map((f) => readFileSync(join(outbox(), f), 'utf8'));
    for (const eml of latest) expect(eml).toMatch(/^From: alerts@example\.com\r$/m);
  });

  it('a pending deletion request mails every admin once, escaped, with a link to the Pending page', async () => {
    // Prepare: a label carrying markup, as an attacker-chosen name would.
    const action: PendingAction = {
      id: 'pa-notify-1',
      kind: 'delete-user',
      target: 'bob@example.com',
      label: 'User <script>alert(1)</script>@example.com',
      requestedBy: 'owner@example.com',
      requestedAt: '2026-11-21T09:00:00.000Z',
      executeAt: '2026-11-22T09:00:00.000Z',
      status: 'pending',
      finishedAt: null,
      cancelledBy: null,
      reason: null,
      version: 1,
    };
    const before = emlFiles().length;
    // Act: the trigger is delivered twice.
    const first = await t.runtime.deps.notify.pendingRequested(action);
    const second = await t.runtime.deps.notify.pendingRequested(action);
    // Assess
    expect(first.sent.sort()).toEqual(['ops@example.com', 'owner@example.com']);
    expect({ ...second, skipped: second.skipped.sort() }).toEqual({ sent: [], skipped: ['ops@example.com', 'owner@example.com'], queued: [] });
    const files = emlFiles().slice(before);
    expect(files).toHaveLength(2);
    const eml = readFileSync(join(outbox(), files[0]!), 'utf8').replace(/=\r\n/g, '').replace(/=3D/g, '=');
    // Long headers are folded (RFC 5322 §2.2.3); unfold before reading the subject.
    expect(eml.replace(/\r\n /g, ' ')).toMatch(/^Subject: Deletion scheduled: Delete user: User <script>alert\(1\)<\/script>@example\.com\r$/m);
    const html = eml.split('Content-Type: text/html; charset=utf-8')[1]!;
    expect(html).not.toContain('<script>');
    expect(html).toContain('User &lt;script&gt;alert(1)&lt;/script&gt;@example.com');
    expect(html).toContain(`href="${t.runtime.url}/pending"`);
    expect(eml).toContain('Requested by: owner@example.com');
    expect(eml).toContain('Executes at: 2026-11-22 09:00 UTC');
  });

  it('the test email route needs a session and the CSRF header', async () => {
    expect((await t.anonymous().post('/api/notifications/test', {})).status).toBe(401);
    expect((await owner.post('/api/notifications/test', {}, { 'x-requested-with': '', origin: 'https://evil.example' })).status).toBe(403);
  });

  it('a manual refresh that shows credit below a threshold mails the crossing then, once, like the 15-minute run', async () => {
    const sandbox = t.runtime.sandbox!;
    const subjects = (files: string[]) => files.map((f) => /^Subject: (.*)\r$/m.exec(readFileSync(join(outbox(), f), 'utf8'))?.[1]);
    let before = emlFiles();
    // Act: the credit falls below red; an admin presses "Refresh from PurelyMail" on the dashboard.
    sandbox.setCredit('1.50');
    const refreshed = await owner.json<{ credit: { level: string } | null }>(owner.post('/api/sync', {}));
    // Assess: the email went with the refresh, to every recipient, before the next scheduled run.
    expect(JSON.stringify(refreshed)).toContain('1.5');
    const crossed = emlFiles().filter((f) => !before.includes(f));
    expect(subjects(crossed)).toEqual(['PurelyMail credit critically low: $1.50', 'PurelyMail credit critically low: $1.50']);
    // Refreshing again at the same level tells nobody twice (nor does the users page's refresh).
    before = emlFiles();
    await owner.post('/api/sync', {});
    expect((await owner.post('/api/users/refresh', {})).status).toBe(200);
    expect(emlFiles()).toEqual(before);
    // Recovering re-arms it; the users page's refresh sees amber and mails that crossing.
    sandbox.setCredit('50');
    await owner.post('/api/sync', {});
    sandbox.setCredit('3');
    before = emlFiles();
    await owner.post('/api/users/refresh', {});
    expect(subjects(emlFiles().filter((f) => !before.includes(f)))).toEqual(['PurelyMail credit low: $3.00', 'PurelyMail credit low: $3.00']);
  });
});
