import { resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type Dovecot } from '../../functions/test/migrations/dovecot.ts';
import { describeFindings, seriousViolations } from './support/axe.ts';
import { launchChromium, shot, watchErrors } from './support/browser.ts';
import { startLocalServer } from './support/local-server.ts';

const EMAIL = 'olive@example.com';
const PASSWORD = 'a long and happy passphrase 2026';
const STAND_IN = resolve(import.meta.dirname, '../../migrator-container/test/stand-in/imapsync');
// The stand-in replays a captured 300-message run; 0.1 = ten times slower than recorded (about 15 s).
const STAND_IN_ENV = { IMAPSYNC_STANDIN_FIXTURE: '01-success', IMAPSYNC_STANDIN_SPEED: '0.1' };

/** The app scrolls inside <main>; grow the viewport to the content for the screenshot, then restore it. */
async function fullShot(page: Page, name: string) {
  const vp = page.viewportSize() ?? { width: 1280, height: 1000 };
  const content = await page.evaluate(() => document.querySelector('main')?.scrollHeight ?? 0);
  await page.setViewportSize({ width: vp.width, height: Math.max(vp.height, content + 160) });
  await shot(page, name);
  await page.setViewportSize(vp);
}

async function logIn(page: Page, url: string) {
  await page.goto(`${url}/login`);
  await page.getByLabel('Email').fill(EMAIL);
  await page.getByLabel(/^Password/).fill(PASSWORD);
  await page.getByRole('button', { name: /sign in/i }).click();
  await page.waitForURL(`${url}/`);
}

async function addServer(page: Page, name: string, port: number) {
  await page.getByRole('button', { name: 'Add server' }).first().click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel(/^Name/).fill(name);
  await dialog.getByLabel(/^Host/).fill('127.0.0.1');
  await dialog.getByLabel(/^Port/).fill(String(port));
  await dialog.getByRole('radio', { name: 'No TLS' }).check();
  await dialog.getByRole('button', { name: 'Add server' }).click();
  await expect.poll(() => page.getByRole('listitem', { name }).isVisible(), { timeout: 10_000 }).toBe(true);
}

async function testLogin(page: Page, server: string, user: string, password: string): Promise<string> {
  await page.getByRole('listitem', { name: server }).getByRole('button', { name: 'Test login' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel(/^User name/).fill(user);
  await dialog.getByLabel(/^Password/).fill(password);
  await dialog.getByRole('button', { name: 'Test login' }).click();
  const result = dialog.locator('[aria-live="polite"]');
  await expect.poll(async () => (await result.innerText()).trim(), { timeout: 20_000 }).not.toBe('');
  const text = await result.innerText();
  // The password field is emptied once the request is sent.
  expect(await dialog.getByLabel(/^Password/).inputValue()).toBe('');
  return text;
}

async function createJob(page: Page, url: string, name: string, password: { source: string; dest: string }) {
  await page.goto(`${url}/migrations/jobs/new`);
  await expect.poll(() => page.getByLabel(/^Name/).isVisible(), { timeout: 10_000 }).toBe(true);
  await page.getByLabel(/^Name/).fill(name);
  await page.locator('#source-server').selectOption({ label: 'Old dovecot' });
  await page.locator('#source-user').fill('alice');
  await page.locator('#source-password').fill(password.source);
  await page.locator('#dest-server').selectOption({ label: 'New dovecot' });
  await page.locator('#dest-user').fill('alice');
  await page.locator('#dest-password').fill(password.dest);
  await page.getByRole('radio', { name: /copy now/i }).check();
  return async () => {
    await page.getByRole('button', { name: /create and start copying/i }).click();
    await page.waitForURL(/\/migrations\/jobs\/(?!new)[^/]+$/, { timeout: 10_000 });
  };
}

/**
 * "Test login before saving" in the add-server dialog: the typed host, port and TLS mode with a user and password
 * that are not saved. Returns the inline result's text once it appears.
 */
async function testBeforeSaving(page: Page, user: string, password: string, how: 'button' | 'enter'): Promise<string> {
  const dialog = page.getByRole('dialog');
  const panel = dialog.locator('#server-test-panel');
  if (!(await panel.isVisible())) await dialog.getByRole('button', { name: 'Test login before saving' }).click();
  await panel.getByLabel(/^User name/).fill(user);
  await panel.getByLabel(/^Password/).fill(password);
  if (how === 'enter') await panel.getByLabel(/^Password/).press('Enter');
  else await panel.getByRole('button', { name: 'Test login' }).click();
  const result = panel.locator('[aria-live="polite"]');
  await expect.poll(async () => (await result.innerText().catch(() => '')).trim(), { timeout: 20_000 }).not.toBe('');
  // The password is sent once, then the field is emptied.
  expect(await panel.getByLabel(/^Password/).inputValue()).toBe('');
  return result.innerText();
}

const stateOf = (page: Page) => page.getByTestId('job-state').innerText().catch(() => '');

// Issue 5 in a browser: two real dovecots for "Test login", the local task runner spawning the worker with
// the imapsync stand-in, a job watched from start to verdict, a reload, and a cancelled second job.
describe('migrations in a browser', () => {
  let src: Dovecot;
  let dst: Dovecot;
  let server: Awaited<ReturnType<typeof startLocalServer>>;
  let browser: Browser;
  const saved: Record<string, string | undefined> = {};

  beforeAll(async () => {
    src = await startDovecot({ alice: 'srcpass-alice' });
    dst = await startDovecot({ alice: 'dstpass-alice' });
    // The worker is a child of the local server and inherits its environment (the stand-in's knobs).
    for (const [k, v] of Object.entries(STAND_IN_ENV)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    // A short heartbeat so the worker notices a cancel quickly.
    server = await startLocalServer({ IMAPSYNC_COMMAND: STAND_IN, MIGRATION_HEARTBEAT_SECONDS: '1', ...STAND_IN_ENV });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await src?.stop();
    await dst?.stop();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('saves servers, tests logins, runs a job to its verdict, survives a reload and cancels a second job', async () => {
    const ctx: BrowserContext = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await ctx.newPage();
    const errors = watchErrors(page);

    await page.goto(server.setupUrl!);
    await expect.poll(() => page.getByLabel('Name').isVisible()).toBe(true);
    await page.getByLabel('Name').fill('Olive Owner');
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel(/^Password/).fill(PASSWORD);
    await page.getByLabel(/confirm/i).fill(PASSWORD);
    await page.getByRole('button', { name: /create/i }).click();
    await page.waitForURL(`${server.url}/`);

    // Servers: two dovecots without TLS, then a real IMAP LOGIN with a wrong and a right password.
    await page.goto(`${server.url}/migrations?tab=servers`);
    await addServer(page, 'Old dovecot', src.port);
    await addServer(page, 'New dovecot', dst.port);

    // Test before saving: the values typed in the add-server dialog, a wrong then a right password, nothing saved.
    await page.getByRole('button', { name: 'Add server' }).first().click();
    const draft = page.getByRole('dialog');
    await draft.getByLabel(/^Host/).fill('127.0.0.1');
    await draft.getByLabel(/^Port/).fill(String(src.port));
    await draft.getByRole('radio', { name: 'No TLS' }).check();
    expect(await testBeforeSaving(page, 'alice', 'not-the-password', 'button')).toMatch(/authentication failed/i);
    // Enter in the test fields runs the test; it does not save the (still unnamed) server.
    const ok = await testBeforeSaving(page, 'alice', 'srcpass-alice', 'enter');
    expect(ok).toMatch(/login succeeded/i);
    expect(ok).toMatch(/Connecting and signing in took \d+ ms/);
    expect(ok).not.toMatch(/\b(\w+) \1\b/i); // no doubled words ("signed in in")
    expect(await draft.getByRole('list', { name: 'Server capabilities' }).innerText()).toContain('IMAP4rev1');
    const a11y = await seriousViolations(page);
    expect(a11y, describeFindings('add-server dialog with a test result', a11y)).toEqual([]);
    await shot(page, 'migrations-08-test-before-saving');
    // A result belongs to the settings it was obtained with.
    await draft.getByLabel(/^Port/).fill(String(dst.port));
    await expect.poll(() => draft.getByText('The server settings changed since the last test').isVisible()).toBe(true);
    // A refused address (port closed) in plain words.
    await draft.getByLabel(/^Port/).fill('1');
    expect(await testBeforeSaving(page, 'alice', 'x', 'button')).toMatch(/connection refused/i);
    await draft.getByRole('button', { name: 'Cancel' }).click();
    expect(await page.getByRole('list', { name: 'Servers' }).getByRole('listitem').count()).toBe(2);
    expect(await testLogin(page, 'Old dovecot', 'alice', 'not-the-password')).toMatch(/authentication failed/i);
    await shot(page, 'migrations-03-test-login-failed');
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    expect(await testLogin(page, 'Old dovecot', 'alice', 'srcpass-alice')).toMatch(/login succeeded/i);
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    await shot(page, 'migrations-02-servers');

    // A job, started at creation; the jobs list shows its bar moving.
    const submit = await createJob(page, server.url, 'alice to new', { source: 'srcpass-alice', dest: 'dstpass-alice' });
    await fullShot(page, 'migrations-04-new-job');
    await submit();
    const jobUrl = page.url();
    await page.goto(`${server.url}/migrations`);
    const bar = page.getByRole('progressbar', { name: 'Progress of alice to new' });
    const seen = new Set<string>();
    let midRunShot = false;
    await expect
      .poll(
        async () => {
          const value = await bar.getAttribute('aria-valuenow', { timeout: 1000 }).catch(() => null);
          if (value !== null) seen.add(value);
          if (!midRunShot && value !== null && Number(value) > 0 && Number(value) < 100) {
            midRunShot = true;
            await shot(page, 'migrations-01-jobs-running');
          }
          return (await page.locator('tr', { hasText: 'alice to new' }).innerText()).includes('Succeeded');
        },
        { timeout: 90_000, intervals: [500] },
      )
      .toBe(true);
    expect(seen.size, `progress values seen: ${[...seen].join(', ')}`).toBeGreaterThanOrEqual(2);

    // The job page: final statistics and imapsync's verdict, then the same after a reload.
    await page.goto(jobUrl);
    const finished = async () => {
      await expect.poll(() => page.getByTestId('stat-transferred').innerText().catch(() => ''), { timeout: 15_000 }).toBe('300');
      expect(await page.getByTestId('verdict').innerText()).toMatch(/looks good/i);
      expect(await stateOf(page)).toMatch(/Succeeded/);
      await expect.poll(async () => (await page.getByRole('log', { name: 'imapsync output' }).innerText()).length, { timeout: 10_000 }).toBeGreaterThan(50);
      expect(await page.getByRole('table', { name: /runs of this job/i }).locator('tbody tr').count()).toBe(1);
    };
    await finished();
    await fullShot(page, 'migrations-05-job-finished');
    const logHref = await page.getByRole('link', { name: /download full log/i }).getAttribute('href');
    const log = await page.request.get(`${server.url}${logHref}`);
    expect(log.status()).toBe(200);
    expect(await log.text()).toMatch(/Exiting with return value 0/);
    await page.reload();
    await finished();

    // Closing the browser and coming back shows the same truth.
    await ctx.close();
    const ctx2 = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page2 = await ctx2.newPage();
    const errors2 = watchErrors(page2);
    await logIn(page2, server.url);
    await page2.goto(jobUrl);
    await expect.poll(() => page2.getByTestId('stat-transferred').innerText().catch(() => ''), { timeout: 15_000 }).toBe('300');
    expect(await page2.getByTestId('verdict').innerText()).toMatch(/looks good/i);

    // A second job, cancelled while it copies.
    const submit2 = await createJob(page2, server.url, 'alice again', { source: 'srcpass-alice', dest: 'dstpass-alice' });
    await submit2();
    await expect.poll(() => stateOf(page2), { timeout: 30_000, intervals: [300] }).toMatch(/Running/);
    // Mid-way: some messages copied, not all.
    const runBar = page2.getByRole('progressbar', { name: 'Progress of this run' });
    await expect.poll(async () => Number((await runBar.getAttribute('aria-valuenow', { timeout: 1000 }).catch(() => null)) ?? 0), { timeout: 30_000, intervals: [300] }).toBeGreaterThan(0);
    await page2.getByRole('button', { name: 'Cancel run' }).click();
    await page2.getByRole('dialog').getByRole('button', { name: 'Cancel run' }).click();
    await expect.poll(() => stateOf(page2), { timeout: 30_000 }).toMatch(/Cancelled/);
    await expect.poll(() => page2.getByText('The run was stopped on request.').isVisible(), { timeout: 10_000 }).toBe(true);
    await fullShot(page2, 'migrations-06-job-cancelled');

    // The phone-width jobs list.
    await page2.setViewportSize({ width: 375, height: 900 });
    await page2.goto(`${server.url}/migrations`);
    await expect.poll(() => page2.getByRole('link', { name: 'alice again' }).isVisible(), { timeout: 10_000 }).toBe(true);
    await fullShot(page2, 'migrations-07-jobs-375');

    expect(errors).toEqual([]);
    expect(errors2).toEqual([]);
    await ctx2.close();
  });
});
