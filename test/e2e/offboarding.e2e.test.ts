import { resolve } from 'node:path';
import { CSRF_HEADER } from '@app/shared';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeFindings, seriousViolations } from './support/axe.ts';
import { launchChromium, watchErrors } from './support/browser.ts';
import { startLocalServer } from './support/local-server.ts';
import { screen, seeText, setupOwner } from './support/setup-owner.ts';

const ADDRESS = 'hiro@northwind.example';
const COLLEAGUE = 'grace@northwind.example';
const LEAVER = 'jonas@northwind.example';
const ARCHIVE = 'ines@northwind.example';
const STAND_IN = resolve(import.meta.dirname, '../../migrator-container/test/stand-in/imapsync');
// The recorded run at half speed: about three seconds, long enough to be seen copying.
const STAND_IN_ENV = { IMAPSYNC_STANDIN_FIXTURE: '01-success', IMAPSYNC_STANDIN_SPEED: '0.5' };

// Issue 18: off-boarding walked through from the user's drawer, then cancelled.
describe('off-boarding in a browser', () => {
  let server: Awaited<ReturnType<typeof startLocalServer>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  const sandbox = () => server.sandbox!;
  const saved: Record<string, string | undefined> = {};

  beforeAll(async () => {
    for (const [k, v] of Object.entries(STAND_IN_ENV)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    server = await startLocalServer({ IMAPSYNC_COMMAND: STAND_IN, MIGRATION_HEARTBEAT_SECONDS: '1', ...STAND_IN_ENV });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    page = await context.newPage();
    errors = watchErrors(page);
    await setupOwner(page, server);
    // PurelyMail's IMAP server, saved as an admin would (the servers UI has its own test): the archive copy signs in to it.
    const res = await page.request.post(`${server.url}/api/migrations/servers`, { data: { name: 'PurelyMail', host: '127.0.0.1', port: 2143, tls: 'none' }, headers: { origin: server.url, [CSRF_HEADER]: '1' } });
    expect(res.status()).toBe(201);
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

  const openDrawer = async (address = ADDRESS) => {
    await page.goto(`${server.url}/users`);
    await page.getByTitle(`Open ${address}`).click();
    const drawer = page.getByRole('dialog', { name: address });
    await expect.poll(() => drawer.getByRole('heading', { name: 'Off-boarding' }).isVisible(), { timeout: 15_000 }).toBe(true);
    return drawer;
  };

  it('off-boards a user: says what will happen, then shows each step done and the pending deletion', async () => {
    const drawer = await openDrawer();
    // An app password for the person's phone, so there is one to revoke.
    await drawer.getByRole('button', { name: 'New app password' }).click();
    await drawer.getByLabel(/^Name/).fill('Hiro phone');
    await drawer.getByRole('button', { name: 'Create app password' }).click();
    await expect.poll(() => drawer.getByTestId('app-password-secret').isVisible(), { timeout: 10_000 }).toBe(true);
    const secret = await drawer.getByTestId('app-password-secret').innerText();
    await drawer.getByRole('button', { name: 'Done, I copied it' }).click();

    await drawer.getByRole('button', { name: 'Off-board this user…' }).click();
    const dialog = page.getByRole('dialog', { name: `Off-board ${ADDRESS}` });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await dialog.getByLabel('Forward mail to (optional)').fill(COLLEAGUE);
    await dialog.getByLabel(/^Days before the mailbox is deleted/).fill('10');
    const text = await dialog.innerText();
    expect(text).toMatch(/random one nobody is shown/);
    expect(text).toMatch(/A rule on a mailbox address takes its mail/);
    expect(text).toMatch(/deleted in 10 days/);
    expect(text).toMatch(/No archive copy/);
    // Off-board waits for the confirmation.
    expect(await dialog.getByRole('button', { name: 'Off-board now' }).isDisabled()).toBe(true);
    await dialog.getByLabel(`I understand ${ADDRESS} loses access now`).check();
    await screen(page, 'offboarding-01-form');
    const findings = await seriousViolations(page);
    expect(findings, describeFindings('off-boarding dialog', findings)).toEqual([]);
    const started = Date.now();
    await dialog.getByRole('button', { name: 'Off-board now' }).click();
    await seeText(page, `Off-boarding of ${ADDRESS} started.`);

    const record = drawer.getByTestId('offboarding');
    await expect.poll(() => record.isVisible(), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => record.innerText()).toMatch(/Deletion scheduled/);
    const shown = await record.innerText();
    for (const step of ['Change the password', 'Revoke app passwords', 'Copy to the archive mailbox', 'Forward mail', 'Schedule the deletion']) expect(shown).toContain(step);
    expect(shown.match(/\bDone\b/g)).toHaveLength(4);
    expect(shown.match(/\bSkipped\b/g)).toHaveLength(1);
    expect(shown).toContain('"Hiro phone"');
    // What PurelyMail now holds: a new password set, the app password gone, the forwarding rule.
    expect(sandbox().requests().some((r) => r.op === 'modifyUser' && (r.body as { userName?: string }).userName === ADDRESS)).toBe(true);
    expect(sandbox().verifyAppPassword(ADDRESS, secret)).toBe(false);
    expect(sandbox().state.rules.some((r) => r.matchUser === 'hiro' && !r.prefix && r.targetAddresses.join() === COLLEAGUE)).toBe(true);
    // The drawer's list of app passwords is read again: the revoked one is gone from it too.
    await expect.poll(() => drawer.getByText('The panel has made no app passwords for this mailbox.').isVisible(), { timeout: 10_000 }).toBe(true);
    // The drawer shows the pending deletion, ten days out, with Cancel; the Pending page link is there.
    await expect.poll(() => drawer.getByRole('button', { name: 'Cancel deletion' }).isVisible(), { timeout: 10_000 }).toBe(true);
    const res = await page.request.get(`${server.url}/api/pending-actions`);
    const action = ((await res.json()) as { actions: { target: string; executeAt: string }[] }).actions.find((a) => a.target === ADDRESS)!;
    expect(Math.round((Date.parse(action.executeAt) - started) / 86_400_000)).toBe(10);
    expect(await record.getByRole('link', { name: 'Pending page' }).getAttribute('href')).toMatch(/\/pending$/);
    await record.scrollIntoViewIfNeeded();
    await screen(page, 'offboarding-02-steps');
  });

  it('is cancelled by cancelling the pending deletion: the record says so and it can be started again', async () => {
    const drawer = page.getByRole('dialog', { name: ADDRESS });
    await drawer.getByRole('button', { name: 'Cancel deletion' }).click();
    const confirm = page.getByRole('dialog', { name: 'Cancel this deletion?' });
    await confirm.getByRole('button', { name: 'Cancel deletion' }).click();
    await seeText(page, `Deletion cancelled: ${ADDRESS} stays.`);
    const record = drawer.getByTestId('offboarding');
    await expect.poll(() => record.innerText(), { timeout: 10_000 }).toMatch(/Cancelled/);
    expect(await record.innerText()).toMatch(/password stays changed/);
    expect(await record.innerText()).toMatch(new RegExp(`rule forwarding mail to ${COLLEAGUE} stays`));
    await expect.poll(() => drawer.getByRole('button', { name: 'Off-board this user…' }).isVisible()).toBe(true);
    const api = (await (await page.request.get(`${server.url}/api/users/${ADDRESS}/offboard`)).json()) as { offboarding: { status: string } };
    expect(api.offboarding.status).toBe('cancelled');
    expect(sandbox().state.users[ADDRESS]).toBeDefined();
  });

  it('off-boards with an archive copy: chooses the mailbox, watches the copy run and end, its app passwords gone', async () => {
    const drawer = await openDrawer(LEAVER);
    await drawer.getByRole('button', { name: 'Off-board this user…' }).click();
    const dialog = page.getByRole('dialog', { name: `Off-board ${LEAVER}` });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await dialog.getByLabel('Copy the mail to an archive mailbox first').check();
    await expect.poll(() => dialog.getByLabel(/^Archive mailbox/).isVisible(), { timeout: 10_000 }).toBe(true);
    // The PurelyMail server is chosen for the copy by itself; the mailbox is the admin's choice (the leaver is not offered).
    expect(await dialog.getByLabel(/^IMAP server for the copy/).locator('option:checked').innerText()).toContain('PurelyMail');
    expect(await dialog.getByLabel(/^Archive mailbox/).locator(`option[value="${LEAVER}"]`).count()).toBe(0);
    await dialog.getByLabel(`I understand ${LEAVER} loses access now`).check();
    await dialog.getByRole('button', { name: 'Off-board now' }).click();
    expect(await dialog.getByText('choose the mailbox the mail is copied into').isVisible()).toBe(true);
    await dialog.getByLabel(/^Archive mailbox/).selectOption(ARCHIVE);
    await dialog.getByLabel(/^Days before the mailbox is deleted/).fill('7');
    const text = await dialog.innerText();
    expect(text).toMatch(new RegExp(`All the mail is copied to ${ARCHIVE}`));
    expect(text).toMatch(/runs only if the archive copy has succeeded/);
    // The pointer still rests on the button clicked above (its hover shade is not what is checked here).
    await page.mouse.move(0, 0);
    await screen(page, 'offboarding-05-archive-form');
    const findings = await seriousViolations(page);
    expect(findings, describeFindings('off-boarding dialog with an archive copy', findings)).toEqual([]);
    await dialog.getByRole('button', { name: 'Off-board now' }).click();
    await seeText(page, `Off-boarding of ${LEAVER} started.`);

    const archive = drawer.getByTestId('offboarding-archive');
    await expect.poll(() => archive.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await archive.innerText()).toMatch(/Queued|Starting|Copying/);
    expect(await archive.innerText()).toMatch(/held by the copy while it runs/);
    expect(sandbox().state.users[LEAVER]!.appPasswords.map((p) => p.name)).toEqual([expect.stringContaining('Off-boarding archive')]);
    expect(sandbox().state.users[ARCHIVE]!.appPasswords.map((p) => p.name)).toEqual([expect.stringContaining('Off-boarding archive')]);
    await drawer.getByTestId('offboarding').scrollIntoViewIfNeeded();
    await screen(page, 'offboarding-06-archive-copying');
    // The section reads the copy again while it runs: it ends copied, with imapsync's count and verdict.
    await expect.poll(() => archive.innerText(), { timeout: 30_000 }).toMatch(/Copied/);
    const ended = await archive.innerText();
    expect(ended).toMatch(/\d+ messages? copied/);
    expect(ended).toMatch(/sync looks good/);
    expect(ended).toMatch(/App passwords of the copy: deleted/);
    expect(sandbox().state.users[LEAVER]!.appPasswords).toEqual([]);
    expect(sandbox().state.users[ARCHIVE]!.appPasswords).toEqual([]);
    // The drawer's app-password list is read again when the copy ends: the copy's is gone from it.
    await expect.poll(() => drawer.getByText('The panel has made no app passwords for this mailbox.').isVisible(), { timeout: 10_000 }).toBe(true);
    const api = (await (await page.request.get(`${server.url}/api/users/${LEAVER}/offboard`)).json()) as { offboarding: { archive: { messagesCopied: number } } };
    expect(ended).toContain(`${api.offboarding.archive.messagesCopied} message`);
    expect(await archive.getByRole('link', { name: 'See the job' }).getAttribute('href')).toMatch(/\/migrations\/jobs\/job_/);
    await drawer.getByTestId('offboarding').scrollIntoViewIfNeeded();
    await screen(page, 'offboarding-07-archive-copied');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screen(page, 'offboarding-08-archive-copied-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('reads on a 375 px phone, scrolled to the end of the drawer', async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    const drawer = await openDrawer();
    await expect.poll(() => drawer.getByTestId('offboarding').isVisible(), { timeout: 10_000 }).toBe(true);
    await drawer.getByRole('button', { name: /^Delete / }).scrollIntoViewIfNeeded();
    await screen(page, 'offboarding-03-phone-end');
    await drawer.getByRole('button', { name: 'Off-board this user…' }).click();
    await expect.poll(() => page.getByRole('dialog', { name: `Off-board ${ADDRESS}` }).isVisible()).toBe(true);
    await screen(page, 'offboarding-04-phone-form');
    const findings = await seriousViolations(page);
    expect(findings, describeFindings('off-boarding dialog at 375 px', findings)).toEqual([]);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.keyboard.press('Escape');
    // The archive copy's state on the phone, light and dark.
    const other = await openDrawer(LEAVER);
    await other.getByTestId('offboarding-archive').scrollIntoViewIfNeeded();
    await screen(page, 'offboarding-09-phone-archive');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screen(page, 'offboarding-10-phone-archive-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    expect(errors).toEqual([]);
  });
});
