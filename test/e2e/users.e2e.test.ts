import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, watchErrors } from './support/browser.ts';
import { REDACTED } from '../../functions/src/local/purelymail-sandbox/request-log.ts';
import { startLocalServer } from './support/local-server.ts';
import { screen, seeText, setupOwner } from './support/setup-owner.ts';

const ADDRESS = 'zoe@northwind.example';

// Issue 3's users walk-through as a person does it: dashboard totals, a new user with a generated and
// copied password, 2FA, a password reset, and a delayed deletion cancelled in time.
describe('users in a browser', () => {
  let server: Awaited<ReturnType<typeof startLocalServer>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  const sandbox = () => server.sandbox!;
  const sent = (op: string) => sandbox().requests().filter((r) => r.op === op).map((r) => r.body as Record<string, unknown>);

  beforeAll(async () => {
    server = await startLocalServer();
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    page = await context.newPage();
    errors = watchErrors(page);
    await setupOwner(page, server);
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
  });

  /** The number on a dashboard stat card ("Users", "Domains", "Routing rules"). */
  const stat = async (label: string) => Number((await page.getByRole('link', { name: new RegExp(`^${label}`) }).locator('span.text-3xl').innerText()).replace(/\D/g, ''));

  async function dashboardMatchesSandbox(name: string) {
    await page.goto(`${server.url}/`);
    await page.getByRole('button', { name: /refresh from purelymail/i }).click();
    const state = sandbox().state;
    await expect.poll(() => stat('Users'), { timeout: 15_000 }).toBe(Object.keys(state.users).length);
    expect(await stat('Domains')).toBe(Object.keys(state.domains).length);
    expect(await stat('Routing rules')).toBe(state.rules.length);
    await screen(page, name, { grow: true });
  }

  it('shows the sandbox totals on the dashboard', async () => {
    await dashboardMatchesSandbox('users-01-dashboard');
  });

  it('creates a user with a generated password, copied to the clipboard, that PurelyMail accepts', async () => {
    // Prepare
    await page.goto(`${server.url}/users`);
    await page.getByRole('button', { name: 'New user' }).click();
    const dialog = page.getByRole('dialog', { name: 'New user' });
    await dialog.getByLabel('User name').fill('zoe');
    await dialog.locator('#new-user-domain').selectOption('northwind.example');
    // Act: generate, then copy.
    await dialog.getByRole('button', { name: 'Generate' }).click();
    const password = await dialog.locator('#new-user-password').inputValue();
    await dialog.getByRole('button', { name: 'Copy' }).click();
    await expect.poll(() => dialog.getByText('Copied').first().isVisible()).toBe(true);
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    await screen(page, 'users-02-create-dialog');
    await dialog.getByRole('button', { name: 'Create user' }).click();
    // Assess
    await seeText(page, `Created ${ADDRESS}.`);
    expect(password.length).toBeGreaterThanOrEqual(20);
    expect(copied).toBe(password);
    expect(sandbox().verifyPassword(ADDRESS, copied)).toBe(true);
    // Issue 17: the credentials are shown once to hand over, with one "Copy all".
    const handover = page.getByRole('dialog', { name: `${ADDRESS} is ready` });
    await expect.poll(() => handover.isVisible()).toBe(true);
    expect(await handover.getByTestId('handover-password').innerText()).toBe(password);
    await handover.getByRole('button', { name: 'Copy all' }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toContain(`Password: ${password}`);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toContain(`Email address: ${ADDRESS}\nUser name: ${ADDRESS}`);
    await screen(page, 'users-02b-credentials-handover');
    await handover.getByRole('button', { name: 'Done' }).click();
    await expect.poll(() => handover.isVisible()).toBe(false);
    // Shown once: nothing of it stays in the page, and no API answer carried the password back.
    expect(await page.content()).not.toContain(password);
    await expect.poll(() => page.getByRole('button', { name: `Open ${ADDRESS}` }).or(page.getByTitle(`Open ${ADDRESS}`)).first().isVisible()).toBe(true);
  });

  it('requires 2FA and resets the password from the user drawer', async () => {
    // Prepare
    sandbox().clearRequests();
    await page.getByTitle(`Open ${ADDRESS}`).click();
    const drawer = page.getByRole('dialog', { name: ADDRESS });
    const twoFactor = drawer.getByRole('switch', { name: 'Require two-factor authentication' });
    await expect.poll(() => twoFactor.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await twoFactor.getAttribute('aria-checked')).toBe('false');
    // zoe has no recovery method yet: 2FA cannot be required (the API cannot set up an authenticator), and the
    // switch says what to do first.
    expect(await twoFactor.isDisabled()).toBe(true);
    await expect.poll(() => drawer.getByText(/Add a recovery method first/).isVisible()).toBe(true);
    await screen(page, 'users-03a-2fa-needs-recovery');
    await drawer.getByRole('button', { name: 'Add recovery method' }).click();
    await drawer.getByLabel('Email address').fill('zoe.home@example.net');
    await drawer.getByRole('button', { name: 'Add method' }).click();
    await expect.poll(() => twoFactor.isDisabled()).toBe(false);
    // Act: 2FA on.
    await twoFactor.click();
    // Assess
    await expect.poll(() => twoFactor.getAttribute('aria-checked')).toBe('true');
    expect(sent('modifyUser')).toContainEqual({ userName: ADDRESS, requireTwoFactorAuthentication: true });
    expect(sandbox().state.users[ADDRESS]!.requireTwoFactorAuthentication).toBe(true);

    // Act: a new password.
    const next = 'a brand new mailbox passphrase 77';
    await drawer.locator('#reset-password').fill(next);
    await drawer.getByRole('button', { name: 'Set password' }).click();
    // Assess
    await expect.poll(() => drawer.getByRole('status').filter({ hasText: 'Saved' }).isVisible()).toBe(true);
    // The sandbox's request log redacts secrets; the password itself is checked against its state.
    expect(sent('modifyUser')).toContainEqual({ userName: ADDRESS, newPassword: REDACTED });
    expect(sandbox().verifyPassword(ADDRESS, next)).toBe(true);
    await screen(page, 'users-03-drawer');
    await drawer.getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => drawer.isVisible()).toBe(false);
  });

  it('schedules a deletion with the real delay, shows it pending with the time left, and cancels it', async () => {
    // Prepare
    sandbox().clearRequests();
    const row = page.locator('tr').filter({ has: page.getByTitle(`Open ${ADDRESS}`) });
    // The Status column (phones get a copy under the address, hidden at this width).
    const status = row.locator('td').nth(1);
    // Act: ask to delete.
    await row.getByRole('button', { name: `Delete ${ADDRESS}` }).click();
    const confirm = page.getByRole('dialog', { name: `Delete ${ADDRESS}?` });
    await expect.poll(() => confirm.getByText(/deleted in 24 hours/).isVisible()).toBe(true);
    await screen(page, 'users-04-confirm-delete');
    await confirm.getByRole('button', { name: 'Schedule deletion' }).click();
    // Assess: pending, with the time left.
    await expect.poll(() => status.getByText(/Deletion pending · 2[34] h left/).isVisible(), { timeout: 10_000 }).toBe(true);
    await row.scrollIntoViewIfNeeded();
    await screen(page, 'users-05-pending');

    // Act: cancel it.
    await status.getByRole('button', { name: `Cancel deletion of ${ADDRESS}` }).click();
    await page.getByRole('dialog', { name: 'Cancel this deletion?' }).getByRole('button', { name: 'Cancel deletion' }).click();
    // Assess: back to normal, and PurelyMail was never asked to delete.
    await expect.poll(() => status.getByText('Active').isVisible(), { timeout: 10_000 }).toBe(true);
    await seeText(page, `Deletion cancelled: ${ADDRESS} stays.`);
    expect(sent('deleteUser')).toEqual([]);
    expect(sandbox().state.users[ADDRESS]).toBeDefined();
    await row.scrollIntoViewIfNeeded();
    await screen(page, 'users-06-cancelled');
  });

  it('shows the new totals on the dashboard, still matching the sandbox', async () => {
    await dashboardMatchesSandbox('users-07-dashboard-after');
    expect(errors).toEqual([]);
  });
});
