import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CSRF_HEADER } from '@app/shared';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, shot, watchErrors } from './support/browser.ts';
import { startLocalServer } from './support/local-server.ts';

const EMAIL = 'olive@example.com';
const PASSWORD = 'a long and happy passphrase 2026';
const STAND_IN = resolve(import.meta.dirname, '../../migrator-container/test/stand-in/imapsync');
const STAND_IN_ENV = { IMAPSYNC_STANDIN_FIXTURE: '01-success', IMAPSYNC_STANDIN_SPEED: '0' };
// Passwords with a comma and a quote, as a spreadsheet exports them; none may ever appear on a page.
const SECRET = 'Pa55,"quoted"-secret';
const HEADER = 'source_email,source_password,dest_email,dest_password';
const line = (n: number, email = `user${n}@old.example`) => `${email},"${SECRET.replace(/"/g, '""')}${n}",user${n}@new.example,dest-secret-${n}`;

/** The app scrolls inside <main>; grow the viewport to the content for the screenshot, then restore it. */
async function fullShot(page: Page, name: string) {
  const vp = page.viewportSize() ?? { width: 1280, height: 1000 };
  const content = await page.evaluate(() => document.querySelector('main')?.scrollHeight ?? 0);
  await page.setViewportSize({ width: vp.width, height: Math.max(vp.height, content + 160) });
  await shot(page, name);
  await page.setViewportSize(vp);
}

// Issue 6 in a browser: a 3-row CSV with one bad line (error shown on that line), fixed and previewed clean,
// queued as a batch that the stand-in imapsync runs to the end, the report downloaded, the one summary email.
describe('bulk CSV import and batches in a browser', () => {
  let server: Awaited<ReturnType<typeof startLocalServer>>;
  let browser: Browser;
  const saved: Record<string, string | undefined> = {};
  const dir = mkdtempSync(join(tmpdir(), 'pm-bulk-e2e-'));

  beforeAll(async () => {
    for (const [k, v] of Object.entries(STAND_IN_ENV)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    server = await startLocalServer({ IMAPSYNC_COMMAND: STAND_IN, MIGRATION_HEARTBEAT_SECONDS: '1', ...STAND_IN_ENV });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('previews per line, queues a batch, watches it finish, downloads the report and finds the summary email', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 1000 }, acceptDownloads: true });
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    const noSecretOnPage = async () => {
      const html = await page.content();
      expect(html).not.toContain('secret');
    };

    await page.goto(server.setupUrl!);
    await expect.poll(() => page.getByLabel('Name').isVisible()).toBe(true);
    await page.getByLabel('Name').fill('Olive Owner');
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel(/^Password/).fill(PASSWORD);
    await page.getByLabel(/confirm/i).fill(PASSWORD);
    await page.getByRole('button', { name: /create/i }).click();
    await page.waitForURL(`${server.url}/`);
    // The servers through the API with the page's session (the servers UI has its own test).
    for (const [name, port] of [['Old host', 1143], ['PurelyMail lab', 2143]] as const) {
      const res = await page.request.post(`${server.url}/api/migrations/servers`, { data: { name, host: '127.0.0.1', port, tls: 'none', verifyCert: false }, headers: { origin: server.url, [CSRF_HEADER]: '1' } });
      expect(res.status()).toBe(201);
    }

    await page.goto(`${server.url}/migrations?tab=batches`);
    await expect.poll(() => page.getByText('No batches yet').isVisible(), { timeout: 10_000 }).toBe(true);
    await page.getByRole('link', { name: 'Import CSV' }).first().click();
    await page.waitForURL(`${server.url}/migrations/import`);
    await expect.poll(() => page.locator('#csv-file').isVisible(), { timeout: 10_000 }).toBe(true);
    await page.locator('#source-server').selectOption({ label: 'Old host' });
    await page.locator('#dest-server').selectOption({ label: 'PurelyMail lab' });

    // Line 3 has a bad source email: the error shows on that line and Queue stays disabled.
    const bad = join(dir, 'acme-mailboxes.csv');
    writeFileSync(bad, `\uFEFF${[HEADER, line(1), line(2, 'not an email'), line(3)].join('\r\n')}\r\n`);
    await page.locator('#csv-file').setInputFiles(bad);
    const line3 = page.locator('tr[data-line="3"]');
    await expect.poll(() => line3.getByTestId('row-errors').innerText().catch(() => ''), { timeout: 10_000 }).toContain('source_email is not an email address or an IMAP login');
    expect(await page.getByTestId('preview-summary').innerText()).toContain('1 of 3 rows has errors');
    expect(await page.getByRole('button', { name: /^Queue 3 jobs/ }).isDisabled()).toBe(true);
    await noSecretOnPage();
    await fullShot(page, 'bulk-01-preview-errors');

    // Issue 17 item 17: "Only the valid rows" queues lines 2 and 4 and says line 3 was skipped, and why.
    await page.getByRole('radio', { name: /only the valid rows/i }).check();
    expect(await page.getByTestId('preview-summary').innerText()).toContain('Only the 2 rows without errors will be queued');
    await page.getByRole('radio', { name: /^later/i }).check();
    await page.getByRole('button', { name: /^Queue 2 jobs/ }).click();
    const result = page.getByTestId('import-result');
    await expect.poll(() => result.innerText().catch(() => ''), { timeout: 10_000 }).toContain('2 jobs queued in “acme-mailboxes”; 1 line skipped');
    expect(await result.innerText()).toContain('Line 3: source_email is not an email address or an IMAP login');
    await noSecretOnPage();
    await fullShot(page, 'bulk-01b-valid-only-result');
    const partial = await (await page.request.get(`${server.url}/api/migrations/batches`)).json() as { batches: { name: string; jobCount: number }[] };
    expect(partial.batches.map((b) => [b.name, b.jobCount])).toEqual([['acme-mailboxes', 2]]);

    // Fixed and chosen again: the preview is clean.
    const good = join(dir, 'acme-mailboxes-fixed.csv');
    writeFileSync(good, `\uFEFF${[HEADER, line(1), line(2), line(3)].join('\r\n')}\r\n`);
    await page.locator('#csv-file').setInputFiles(good);
    await expect.poll(() => page.getByTestId('preview-summary').innerText().catch(() => ''), { timeout: 10_000 }).toContain('All 3 rows are valid');
    await page.getByLabel('Batch name').fill('Acme mailboxes');
    await page.getByRole('radio', { name: /copy for real/i }).check();
    await page.getByRole('radio', { name: /start now/i }).check();
    await noSecretOnPage();
    await fullShot(page, 'bulk-02-preview-clean');
    await page.getByRole('button', { name: /^Queue 3 jobs/ }).click();
    await page.waitForURL(/\/migrations\/batches\/bat_[0-9a-z]+$/, { timeout: 15_000 });
    const batchUrl = page.url();
    const batchId = batchUrl.split('/').pop()!;

    // The batch view polls until every job has ended.
    const count = (label: string) => page.locator(`[data-count="${label}"]`).innerText().catch(() => '');
    await expect.poll(() => count('Succeeded'), { timeout: 90_000, interval: 500 }).toBe('3');
    await expect.poll(() => page.getByText('Finished', { exact: true }).first().isVisible(), { timeout: 20_000 }).toBe(true);
    expect(await page.getByTestId('batch-progress').innerText()).toContain('900 / 900 messages');
    await noSecretOnPage();
    await fullShot(page, 'bulk-03-batch-finished');

    // Filters live in the URL; "Failed only" is empty here.
    await page.getByRole('link', { name: 'Failed only' }).click();
    await expect.poll(() => page.getByText('No job matches this filter.').isVisible()).toBe(true);
    expect(page.url()).toContain('filter=failed');
    await page.getByRole('link', { name: 'All', exact: true }).click();

    // The report: one row per mailbox, no secret.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-report').click()]);
    const report = readFileSync((await download.path())!, 'utf8');
    const rows = report.trimEnd().split('\r\n');
    // Every field quoted (the one CSV writer, shared/src/csv-file.ts).
    expect(rows[0]).toBe('"source_email","dest_email","state","run_kind","messages_transferred","bytes_transferred","verdict","error_class","cause","job_id"');
    expect(rows.slice(1).map((r) => r.split(',').slice(0, 3).join(','))).toEqual([
      '"user1@old.example","user1@new.example","succeeded"',
      '"user2@old.example","user2@new.example","succeeded"',
      '"user3@old.example","user3@new.example","succeeded"',
    ]);
    expect(report).not.toContain('secret');

    // One summary email for the batch in the local outbox, to the admin who launched it.
    const outbox = join(server.dataDir, 'outbox');
    await expect.poll(() => readdirSync(outbox).filter((f) => f.endsWith('.eml')).map((f) => readFileSync(join(outbox, f), 'utf8')).filter((m) => m.includes('Batch finished: Acme mailboxes')).length, { timeout: 10_000 }).toBe(1);
    const mail = readdirSync(outbox).map((f) => readFileSync(join(outbox, f), 'utf8')).find((m) => m.includes('Batch finished: Acme mailboxes'))!;
    expect(mail).toMatch(/^To: olive@example\.com\r$/m);
    expect(mail).toContain('3 succeeded, 0 did not');
    expect(mail.replace(/=\r\n/g, '')).toContain(batchId);
    expect(mail).not.toContain('secret');

    // The Batches tab lists it as finished.
    await page.goto(`${server.url}/migrations?tab=batches`);
    await expect.poll(() => page.locator(`tr[data-batch-id="${batchId}"]`).innerText().catch(() => ''), { timeout: 10_000 }).toContain('Finished');
    await shot(page, 'bulk-04-batches-tab');
    expect(errors).toEqual([]);
    await ctx.close();
  }, 180_000);
});
