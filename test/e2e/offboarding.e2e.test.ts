import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeFindings, seriousViolations } from './support/axe.ts';
import { launchChromium, watchErrors } from './support/browser.ts';
import { startLocalServer } from './support/local-server.ts';
import { screen, seeText, setupOwner } from './support/setup-owner.ts';

const ADDRESS = 'hiro@northwind.example';
const COLLEAGUE = 'grace@northwind.example';

// Issue 18: off-boarding walked through from the user's drawer, then cancelled.
describe('off-boarding in a browser', () => {
  let server: Awaited<ReturnType<typeof startLocalServer>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  const sandbox = () => server.sandbox!;

  beforeAll(async () => {
    server = await startLocalServer();
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    page = await context.newPage();
    errors = watchErrors(page);
    await setupOwner(page, server);
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
  });

  const openDrawer = async () => {
    await page.goto(`${server.url}/users`);
    await page.getByTitle(`Open ${ADDRESS}`).click();
    const drawer = page.getByRole('dialog', { name: ADDRESS });
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
    expect(text).toMatch(/copy the mailbox first with a migration job/);
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
    for (const step of ['Change the password', 'Revoke app passwords', 'Forward mail', 'Schedule the deletion']) expect(shown).toContain(step);
    expect(shown.match(/\bDone\b/g)).toHaveLength(4);
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
    expect(errors).toEqual([]);
  });
});
