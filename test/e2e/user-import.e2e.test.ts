import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, watchErrors } from './support/browser.ts';
import { startLocalServer } from './support/local-server.ts';
import { screen, setupOwner } from './support/setup-owner.ts';

const TYPED = '-Umber-Kettle-Vapor-4417';
const HEADER = 'address,display_note,password,require_2fa,recovery_email';

// Issue 18 "Bulk users from CSV" as an admin does it: the template, a file with one bad line previewed on that
// line, "Only the valid rows", the users created, and the credentials handed over once as a CSV download.
describe('bulk users from CSV in a browser', () => {
  let server: Awaited<ReturnType<typeof startLocalServer>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  const dir = mkdtempSync(join(tmpdir(), 'pm-user-import-e2e-'));

  beforeAll(async () => {
    server = await startLocalServer();
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    page = await context.newPage();
    errors = watchErrors(page);
    await setupOwner(page, server);
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
  });

  it('previews per line, creates only the valid rows and hands the credentials over once', async () => {
    await page.goto(`${server.url}/users`);
    await page.getByRole('link', { name: 'Import CSV' }).click();
    await page.waitForURL(`${server.url}/users/import`);

    const [template] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download the template' }).click()]);
    expect(readFileSync((await template.path())!, 'utf8').split('\r\n')[0]).toBe(HEADER);

    const file = join(dir, 'new-team.csv');
    writeFileSync(file, [HEADER, `nora@northwind.example,Nora (finance),${TYPED},yes,nora.home@example.net`, 'alice@northwind.example,,,,', '"olaf@bluefern.example","Olaf, IT",,no,'].join('\r\n'));
    await page.locator('#csv-file').setInputFiles(file);
    const line3 = page.locator('tr[data-line="3"]');
    await expect.poll(() => line3.getByTestId('row-errors').innerText().catch(() => ''), { timeout: 10_000 }).toBe('alice@northwind.example already exists.');
    expect(await page.getByTestId('preview-summary').innerText()).toContain('1 of 3 rows has errors');
    expect(await page.getByRole('button', { name: /^Create 3 users/ }).isDisabled()).toBe(true);
    expect(await page.content()).not.toContain(TYPED);
    await screen(page, 'user-import-01-preview', { grow: true });

    await page.getByRole('radio', { name: /only the valid rows/i }).check();
    expect(await page.getByTestId('preview-summary').innerText()).toContain('Only the 2 rows without errors will be created');
    await page.getByRole('button', { name: /^Create 2 users/ }).click();

    // The hand-over: both users with their passwords, the typed one as typed, the generated one strong.
    const list = page.getByTestId('handover-list');
    await expect.poll(() => list.isVisible(), { timeout: 15_000 }).toBe(true);
    const text = await list.innerText();
    expect(text).toContain('nora@northwind.example');
    expect(text).toContain(TYPED);
    expect(text).toContain('olaf@bluefern.example');
    await screen(page, 'user-import-02-handover');

    // A failed download would only time out: name the page error (the browser once lacked Buffer for the CSV writer).
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 10_000 }).catch((e: unknown) => { throw new Error(`no download; page errors: ${JSON.stringify(errors)}`, { cause: e }); }), page.getByRole('button', { name: 'Download CSV (once)' }).click()]);
    const rows = parse(readFileSync((await download.path())!, 'utf8'), { columns: true }) as { address: string; password: string; note: string }[];
    expect(rows.map((r) => [r.address, r.note])).toEqual([['nora@northwind.example', 'Nora (finance)'], ['olaf@bluefern.example', 'Olaf, IT']]);
    expect(rows[0]!.password).toBe(TYPED); // verbatim, no formula apostrophe
    expect(server.sandbox!.verifyPassword('olaf@bluefern.example', rows[1]!.password)).toBe(true);
    expect(rows[1]!.password).toMatch(/^[A-Za-z2-9]{20}$/);

    // Downloaded once: the page holds the passwords no more.
    await expect.poll(() => page.getByTestId('handover-downloaded').innerText().catch(() => '')).toContain('2 new users');
    expect(await page.content()).not.toContain(rows[1]!.password);
    expect(await page.getByRole('button', { name: 'Download CSV (once)' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Done' }).click();

    const result = page.getByTestId('user-import-result');
    const said = await result.innerText();
    expect(said).toContain('2 users created of 3 lines');
    expect(said).toContain('Line 3 skipped: alice@northwind.example already exists.');
    expect(await page.content()).not.toContain(TYPED);
    await screen(page, 'user-import-03-result', { grow: true });

    // On a phone the preview and the result read without sideways scrolling of the page.
    await page.setViewportSize({ width: 375, height: 800 });
    await screen(page, 'user-import-04-phone', { grow: true });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);

    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByRole('link', { name: 'Back to Users' }).click();
    await page.waitForURL(`${server.url}/users`);
    expect(errors).toEqual([]);
  }, 120_000);
});
