import { resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, watchErrors } from './support/browser.ts';
import { startLocalServer } from './support/local-server.ts';
import { screen, setupOwner } from './support/setup-owner.ts';
import { api } from './support/page-api.ts';

const STAND_IN = resolve(import.meta.dirname, '../../migrator-container/test/stand-in/imapsync');
// A real imapsync run refused by the source server (wrong password): the job fails.
const STAND_IN_ENV = { IMAPSYNC_STANDIN_FIXTURE: '03-wrong-source-password', IMAPSYNC_STANDIN_SPEED: '0' };

// Issue 17 item 10: a batch whose only job failed is "Finished with 1 failed" in the failure colour, on its
// page and in the batches list, and its progress is complete because its one job ended.
describe('a batch whose job failed', () => {
  let server: Awaited<ReturnType<typeof startLocalServer>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  const saved: Record<string, string | undefined> = {};

  beforeAll(async () => {
    for (const [k, v] of Object.entries(STAND_IN_ENV)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    server = await startLocalServer({ IMAPSYNC_COMMAND: STAND_IN, MIGRATION_HEARTBEAT_SECONDS: '1', ...STAND_IN_ENV });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    errors = watchErrors(page);
    await setupOwner(page, server);
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

  it('says "Finished with 1 failed" in red, not a green "Finished"', async () => {
    // Prepare: one job, started at once; the stand-in replays a refused sign-in.
    const ids: string[] = [];
    for (const [name, port] of [['Old host', 1143], ['PurelyMail lab', 2143]] as const) {
      ids.push((await api<{ id: string }>(page, 'POST', '/api/migrations/servers', { name, host: '127.0.0.1', port, tls: 'none', verifyCert: false })).id);
    }
    const csv = 'source_email,source_password,dest_email,dest_password\r\nann@old.example,not-her-password,ann@new.example,dest-pass-1\r\n';
    const result = await api<{ batch: { id: string } }>(page, 'POST', '/api/migrations/import', { csv, sourceServerId: ids[0], destServerId: ids[1], batchName: 'One that fails', mode: 'full', start: 'now' });
    // Act
    await page.goto(`${server.url}/migrations/batches/${result.batch.id}`);
    // Assess: on the batch page.
    const badge = page.getByText('Finished with 1 failed', { exact: true });
    await expect.poll(() => badge.isVisible(), { timeout: 60_000, interval: 500 }).toBe(true);
    expect(await badge.getAttribute('class')).toContain('text-red-800');
    expect(await page.getByText('Finished', { exact: true }).count()).toBe(0);
    expect(await page.getByTestId('batch-percent').innerText()).toBe('100 %');
    await screen(page, 'issue17-10-batch-failed');
    // And in the batches list.
    await page.goto(`${server.url}/migrations?tab=batches`);
    const listed = page.locator('tr').filter({ hasText: 'One that fails' }).getByText('Finished with 1 failed', { exact: true });
    await expect.poll(() => listed.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await listed.getAttribute('class')).toContain('text-red-800');
    await screen(page, 'issue17-10-batches-list');
    expect(errors).toEqual([]);
  });
});
