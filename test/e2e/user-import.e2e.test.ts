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
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true, permissions: ['clipboard-read', 'clipboard-write'] });
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

  it('hands over with one-time links: "Copy links", each person opens theirs once, a second open says so', async () => {
    await page.goto(`${server.url}/users/import`);
    const file = join(dir, 'links.csv');
    writeFileSync(file, [HEADER, 'pia@northwind.example,Pia,,,', 'quentin@northwind.example,Quentin,,,'].join('\r\n'));
    await page.locator('#csv-file').setInputFiles(file);
    await expect.poll(() => page.getByRole('button', { name: /^Create 2 users/ }).isEnabled(), { timeout: 10_000 }).toBe(true);
    await page.getByRole('button', { name: /^Create 2 users/ }).click();
    const list = page.getByTestId('handover-list');
    await expect.poll(() => list.isVisible(), { timeout: 15_000 }).toBe(true);
    const passwords = Object.fromEntries((await list.locator('tbody tr').all()).length ? await Promise.all((await list.locator('tbody tr').all()).map(async (tr) => [(await tr.locator('td').nth(0).innerText()).split('\n')[0], await tr.locator('td').nth(1).innerText()])) : []);
    expect(Object.keys(passwords)).toEqual(['pia@northwind.example', 'quentin@northwind.example']);

    await page.getByRole('button', { name: 'Copy links' }).click();
    const block = page.getByTestId('handover-links');
    await expect.poll(() => block.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await block.innerText()).toMatch(/2 one-time links copied: send each person their own/);
    expect(await block.innerText()).toMatch(/\(72 hours\)/);
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    const lines = copied.split('\n');
    expect(lines.map((l) => l.split(': ')[0])).toEqual(['pia@northwind.example', 'quentin@northwind.example']);
    const piaLink = lines[0]!.split(': ')[1]!;
    expect(piaLink).toMatch(new RegExp(`^${server.url}/h/#t=[A-Za-z0-9_-]{43}$`));
    // The links carry no password.
    for (const p of Object.values(passwords)) expect(copied).not.toContain(p);
    expect(await page.getByRole('button', { name: 'Links copied' }).isVisible()).toBe(true);
    await page.mouse.move(0, 0);
    await screen(page, 'user-import-05-links');
    await page.getByRole('button', { name: 'Done' }).click();

    // Pia opens her link in a browser without any session: nothing shows until she asks, then the password, once.
    const visitor = await browser.newContext({ viewport: { width: 375, height: 760 } });
    const pia = await visitor.newPage();
    const visitorErrors = watchErrors(pia);
    await pia.goto(piaLink);
    await expect.poll(() => pia.getByRole('heading', { name: 'Your new mailbox is ready' }).isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await pia.content()).not.toContain(passwords['pia@northwind.example']!);
    await screen(pia, 'user-handover-01-phone-ready');
    await pia.getByRole('button', { name: 'Show my password' }).click();
    await expect.poll(() => pia.getByTestId('handover-password').innerText().catch(() => ''), { timeout: 10_000 }).toBe(passwords['pia@northwind.example']);
    expect(await pia.getByTestId('handover-address').innerText()).toBe('pia@northwind.example');
    expect(server.sandbox!.verifyPassword('pia@northwind.example', passwords['pia@northwind.example']!)).toBe(true);
    // The token left the address bar once spent.
    expect(new URL(pia.url()).hash).toBe('');
    await screen(pia, 'user-handover-02-phone-shown', { grow: true });
    await pia.emulateMedia({ colorScheme: 'dark' });
    await screen(pia, 'user-handover-03-phone-shown-dark', { grow: true });
    expect(await pia.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);

    // The same link again (another tab): already opened, no password.
    const again = await visitor.newPage();
    await again.goto(piaLink);
    await again.getByRole('button', { name: 'Show my password' }).click();
    await expect.poll(() => again.getByRole('heading', { name: 'This link was already opened' }).isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await again.content()).not.toContain(passwords['pia@northwind.example']!);
    await again.setViewportSize({ width: 1280, height: 800 });
    await screen(again, 'user-handover-04-already-opened');
    // A mangled link says it does not work.
    await again.goto(`${server.url}/h/#t=not-a-real-token-at-all-xx`);
    await again.getByRole('button', { name: 'Show my password' }).click();
    await expect.poll(() => again.getByRole('heading', { name: 'This link does not work' }).isVisible(), { timeout: 10_000 }).toBe(true);
    expect(visitorErrors.filter((e) => !/status of 4\d\d/.test(e))).toEqual([]);
    await visitor.close();

    // The audit log names who opened which, never the password or the token.
    const audit = await (await page.request.get(`${server.url}/api/audit?action=user.handover`)).text();
    expect(audit).toContain('pia@northwind.example');
    expect(audit).not.toContain(piaLink.split('#t=')[1]!);
    for (const p of Object.values(passwords)) expect(audit).not.toContain(p);
  }, 120_000);
  it('a larger import goes in parts of 25 rows with a progress bar, and ends in one hand-over', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${server.url}/users/import`);
    const file = join(dir, 'sixty.csv');
    writeFileSync(file, [HEADER, ...Array.from({ length: 60 }, (_, i) => `team${i}@oakridge.example,Team ${i},,,`)].join('\r\n'));
    await page.locator('#csv-file').setInputFiles(file);
    await expect.poll(() => page.getByRole('button', { name: /^Create 60 users/ }).isEnabled(), { timeout: 10_000 }).toBe(true);
    // Each part is held a moment so the progress can be seen (the sandbox answers in milliseconds).
    const parts: { from: number; to: number }[] = [];
    await page.route('**/api/users/import', async (route) => {
      parts.push((route.request().postDataJSON() as { lines: { from: number; to: number } }).lines);
      await new Promise((r) => setTimeout(r, 400));
      await route.continue();
    });
    await page.getByRole('button', { name: /^Create 60 users/ }).click();
    const progress = page.getByTestId('user-import-progress');
    await expect.poll(() => progress.innerText().catch(() => ''), { timeout: 10_000 }).toMatch(/Creating users: (25|50) of 60 lines done/);
    await screen(page, 'user-import-06-progress');
    const list = page.getByTestId('handover-list');
    await expect.poll(() => list.isVisible(), { timeout: 30_000 }).toBe(true);
    await page.unroute('**/api/users/import');
    expect(parts).toEqual([{ from: 2, to: 26 }, { from: 27, to: 51 }, { from: 52, to: 61 }]);
    expect(await list.locator('tbody tr').count()).toBe(60);
    expect(await page.getByRole('heading', { name: '60 users are ready' }).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Copy links' }).click();
    await expect.poll(() => page.getByTestId('handover-links').innerText().catch(() => ''), { timeout: 10_000 }).toMatch(/60 one-time links copied/);
    await page.getByRole('button', { name: 'Done' }).click();
    expect(await page.getByTestId('user-import-result').innerText()).toContain('60 users created of 60 lines');
    expect(Object.keys(server.sandbox!.state.users).filter((a) => a.startsWith('team'))).toHaveLength(60);
    expect(errors).toEqual([]);
  }, 120_000);
});
