import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type JobDetail, type JobSyncView } from '@app/shared';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../functions/test/support/test-runtime.ts';
import { describeFindings, horizontalOverflow, seriousViolations } from './support/axe.ts';
import { launchChromium, watchErrors } from './support/browser.ts';
import { startLocalServer } from './support/local-server.ts';
import { OWNER_EMAIL, OWNER_PASSWORD, screen, seeText, setupOwner } from './support/setup-owner.ts';
import { api } from './support/page-api.ts';

const HOUR = 3_600_000;
const PER_USER = resolve(import.meta.dirname, 'support/imapsync-per-user');
const FAILING = 'broken@old.example';

// "Keep this job in sync every N hours until <date>" on the job page, against `npm start`'s stand-ins and a test
// clock driving the local recurring scheduler: set it, see a pass fire, change it, stop it; a failing job stops
// by itself after three passes and the page says why.
describe('keeping a migration job in sync from its page', () => {
  // Behind the real time (the worker's heartbeats use the real clock; see domain-move.e2e.test.ts).
  const clock = new FakeClock(Math.floor(Date.now() / 60_000) * 60_000 - 2 * 24 * HOUR);
  const dir = mkdtempSync(join(tmpdir(), 'pm-jobsync-e2e-'));
  const failFile = join(dir, 'refused-logins.txt');
  const standIn: Record<string, string> = { IMAPSYNC_STANDIN_FIXTURE: '01-success', IMAPSYNC_STANDIN_SPEED: '0', IMAPSYNC_STANDIN_FAIL_FILE: failFile, IMAPSYNC_STANDIN_STATE_DIR: dir };
  const saved: Record<string, string | undefined> = {};
  let server: Awaited<ReturnType<typeof startLocalServer>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  const jobs: Record<string, string> = {};

  const jobUrl = (name: string) => `${server.url}/migrations/jobs/${jobs[name]}`;
  const readSync = (name: string) => api<JobSyncView>(page, 'GET', `/api/migrations/jobs/${jobs[name]}/sync`);
  async function advance(ms: number) {
    clock.advance(ms);
    await context.clock.setFixedTime(clock.now());
  }
  async function signIn(then: string) {
    await page.goto(`${server.url}/login`);
    await page.getByLabel('Email').fill(OWNER_EMAIL);
    await page.getByLabel(/^Password/).fill(OWNER_PASSWORD);
    await page.getByRole('button', { name: /sign in/i }).click();
    await page.waitForURL(`${server.url}/`);
    await page.goto(then);
  }
  async function look(name: string) {
    await page.locator('#sync').scrollIntoViewIfNeeded();
    expect(describeFindings(`${name} (desktop)`, await seriousViolations(page))).toBe('');
    await screen(page, `job-sync-${name}-desktop`, { grow: true });
    await page.setViewportSize({ width: 375, height: 812 });
    expect(await horizontalOverflow(page)).toBe(0);
    expect(describeFindings(`${name} (375 px)`, await seriousViolations(page))).toBe('');
    await page.locator('#sync').scrollIntoViewIfNeeded();
    await screen(page, `job-sync-${name}-375`);
    await page.evaluate(() => document.querySelector('main')?.scrollTo(0, 1e6));
    await screen(page, `job-sync-${name}-375-end`);
    await page.setViewportSize({ width: 1280, height: 900 });
  }

  beforeAll(async () => {
    for (const [k, v] of Object.entries(standIn)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    writeFileSync(failFile, `${FAILING}\n`);
    server = await startLocalServer({ IMAPSYNC_COMMAND: PER_USER, MIGRATION_HEARTBEAT_SECONDS: '1', LOCAL_SCHEDULE_TICK_MS: '200', ...standIn }, { clock });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.clock.setFixedTime(clock.now());
    page = await context.newPage();
    errors = watchErrors(page);
    await setupOwner(page, server);
    const ids: string[] = [];
    for (const [name, port] of [['Old host', 1143], ['PurelyMail', 2143]] as const) {
      ids.push((await api<{ id: string }>(page, 'POST', '/api/migrations/servers', { name, host: '127.0.0.1', port, tls: 'none', verifyCert: false })).id);
    }
    for (const name of ['ann', 'broken']) {
      const d = await api<JobDetail>(page, 'POST', '/api/migrations/jobs', { name, source: { serverId: ids[0], user: `${name}@old.example`, password: `old-${name}-pw` }, dest: { serverId: ids[1], user: `${name}@lumen.example`, password: `new-${name}-pw` }, start: 'none' });
      jobs[name] = d.job.id;
    }
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('sets a schedule from the job page, sees a pass fire, changes it and stops it', async () => {
    await page.goto(jobUrl('ann'));
    await seeText(page, 'Not scheduled. Runs start only when someone starts them.');
    await page.getByRole('button', { name: 'Keep in sync…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Every (hours)').fill('0');
    await dialog.getByRole('button', { name: 'Keep in sync' }).click();
    await seeText(page, 'must be a whole number from 1 to 168');
    // The form as a person sees it, desktop and phone (the end date defaults to a week ahead, in their zone).
    expect(describeFindings('dialog (desktop)', await seriousViolations(page))).toBe('');
    await screen(page, 'job-sync-dialog-desktop');
    await page.setViewportSize({ width: 375, height: 812 });
    expect(describeFindings('dialog (375 px)', await seriousViolations(page))).toBe('');
    await screen(page, 'job-sync-dialog-375');
    await page.setViewportSize({ width: 1280, height: 900 });
    await dialog.getByLabel('Every (hours)').fill('3');
    await dialog.getByRole('button', { name: 'Keep in sync' }).click();
    await expect.poll(() => page.getByTestId('sync-every').textContent()).toBe('Every 3 hours');
    expect(await page.getByTestId('sync-passes').textContent()).toBe('0');
    expect(await page.getByTestId('sync-failures').textContent()).toBe('0 of 3');
    expect((await readSync('ann')).schedule).toMatchObject({ everyHours: 3, state: 'active' });
    await look('active');

    // Hours later the session has ended, as it would for a person: sign in again, then watch the pass land.
    await advance(3 * HOUR + 1000);
    await signIn(jobUrl('ann'));
    await expect.poll(async () => (await readSync('ann')).schedule?.passesDone ?? 0, { timeout: 30_000 }).toBe(1);
    await expect.poll(() => page.getByTestId('sync-passes').textContent(), { timeout: 15_000 }).toBe('1');

    await page.getByRole('button', { name: 'Change' }).click();
    await page.getByRole('dialog').getByLabel('Every (hours)').fill('4');
    await page.getByRole('dialog').getByRole('button', { name: 'Save schedule' }).click();
    await expect.poll(() => page.getByTestId('sync-every').textContent()).toBe('Every 4 hours');

    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Stop', exact: true }).click();
    await seeText(page, 'Not scheduled. Runs start only when someone starts them.');
    expect((await readSync('ann')).schedule).toBeNull();
  }, 120_000);

  it('a job failing three passes in a row stops by itself, with an email and the reason on its page', async () => {
    await signIn(jobUrl('broken'));
    const until = new Date(clock.now().getTime() + 48 * HOUR).toISOString();
    await api(page, 'POST', `/api/migrations/jobs/${jobs.broken}/sync`, { everyHours: 1, until });
    for (const n of [1, 2, 3]) {
      await advance(HOUR + 1000);
      await signIn(jobUrl('broken'));
      await expect.poll(async () => {
        const s = (await readSync('broken')).schedule;
        return s && s.passesDone === n && s.currentRunId === null ? s.consecutiveFailures : -1;
      }, { timeout: 30_000 }).toBe(n);
    }
    await page.reload();
    await seeText(page, 'Stopped after failed passes');
    await seeText(page, /Stopped after 3 failed passes in a row/);
    expect(await page.getByRole('button', { name: 'Keep in sync again' }).count()).toBe(1);
    const outbox = join(server.dataDir, 'outbox');
    expect(readdirSync(outbox).some((f) => readFileSync(join(outbox, f), 'utf8').includes('keeping in sync stopped after 3 failed passes'))).toBe(true);
    await look('stopped');
    expect(errors).toEqual([]);
  }, 120_000);
});
