import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeFindings, seriousViolations } from './support/axe.ts';
import { launchChromium, shot, watchErrors } from './support/browser.ts';
import { startLocalServer } from './support/local-server.ts';
import { OWNER_EMAIL as EMAIL, OWNER_PASSWORD as PASSWORD, setupOwner } from './support/setup-owner.ts';

/** Real time plus an offset the test moves: the server's view of "5 minutes later" without waiting. */
let offsetMs = 0;
const clock = { now: () => new Date(Date.now() + offsetMs) };

// AS-10 in the browser: a sensitive action on a session whose password check is older than 5 minutes
// opens "Confirm it's you"; Escape cancels (nothing happens, a clear message), the password plus Enter
// re-authenticates and the original request is sent again. Keyboard only inside the dialog.
describe('step-up re-authentication in a browser', () => {
  let server: Awaited<ReturnType<typeof startLocalServer>>;
  let browser: Browser;
  beforeAll(async () => {
    server = await startLocalServer({}, { clock });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('asks for the password before revoking another session, retries the revoke once confirmed, then signs out the other sessions in one click', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    await setupOwner(page, server);

    // A second device signs in.
    const other = await browser.newContext({ userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) Gecko/20100101 Firefox/140.0' });
    const page2 = await other.newPage();
    await page2.goto(`${server.url}/login`);
    await page2.getByLabel('Email').fill(EMAIL);
    await page2.getByLabel(/^Password/).fill(PASSWORD);
    await page2.getByRole('button', { name: /sign in/i }).click();
    await page2.waitForURL(`${server.url}/`);

    // Six minutes later, the first revokes it.
    offsetMs += 6 * 60_000;
    await page.goto(`${server.url}/settings`);
    const row = page.locator('tr').filter({ hasText: 'Firefox' }).first();
    await expect.poll(() => row.isVisible(), { timeout: 10_000 }).toBe(true);
    const revoke = async () => {
      await row.getByRole('button', { name: /revoke/i }).click();
      await page.getByRole('dialog', { name: /revoke this session/i }).getByRole('button', { name: /revoke session/i }).click();
    };
    const confirmDialog = page.getByRole('dialog', { name: /confirm it’s you/i });

    // Escape cancels: nothing is revoked, and the person reads why.
    await revoke();
    await expect.poll(() => confirmDialog.isVisible(), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type)).toBe('password');
    await shot(page, 'reauth-01-dialog');
    const a11y = await seriousViolations(page);
    expect(a11y, describeFindings('confirm-it’s-you dialog', a11y)).toEqual([]);
    await page.keyboard.press('Escape');
    await expect.poll(() => confirmDialog.isVisible()).toBe(false);
    await expect.poll(() => page.getByText(/Nothing was changed: this action needs you to confirm it’s you/).first().isVisible(), { timeout: 10_000 }).toBe(true);
    await page.keyboard.press('Escape'); // the revoke confirmation stayed open: close it too
    expect(await row.isVisible()).toBe(true);

    // A wrong password is refused in the dialog; the right one plus Enter re-authenticates and the revoke goes through.
    await revoke();
    await expect.poll(() => confirmDialog.isVisible(), { timeout: 10_000 }).toBe(true);
    await page.keyboard.type('not my password at all');
    await page.keyboard.press('Enter');
    await expect.poll(() => confirmDialog.getByRole('alert').isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await confirmDialog.getByRole('alert').innerText()).toMatch(/password is not right/);
    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type)).toBe('password');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await expect.poll(() => confirmDialog.isVisible(), { timeout: 10_000 }).toBe(false);
    await expect.poll(() => row.isVisible(), { timeout: 10_000 }).toBe(false);
    await page2.goto(`${server.url}/audit`);
    await page2.waitForURL(/\/login/);

    // Two more devices sign in; within the 5 minutes after the re-auth, "Sign out my other sessions" needs no
    // new password: both are signed out at once and this device stays in.
    const others = await Promise.all([browser.newContext(), browser.newContext()]);
    for (const ctx2 of others) {
      const p = await ctx2.newPage();
      await p.goto(`${server.url}/login`);
      await p.getByLabel('Email').fill(EMAIL);
      await p.getByLabel(/^Password/).fill(PASSWORD);
      await p.getByRole('button', { name: /sign in/i }).click();
      await p.waitForURL(`${server.url}/`);
    }
    await page.goto(`${server.url}/settings`);
    await page.getByRole('button', { name: 'Sign out my other sessions' }).click();
    const endOthersA11y = await seriousViolations(page);
    expect(endOthersA11y, describeFindings('sign-out-others dialog', endOthersA11y)).toEqual([]);
    await page.getByRole('dialog', { name: /sign out your other sessions/i }).getByRole('button', { name: 'Sign out other sessions' }).click();
    await expect.poll(() => page.getByText('Signed out of 2 other sessions').first().isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await confirmDialog.isVisible()).toBe(false);
    for (const ctx2 of others) {
      const p = ctx2.pages()[0]!;
      await p.goto(`${server.url}/audit`);
      await p.waitForURL(/\/login/);
      await ctx2.close();
    }
    await expect.poll(() => page.getByRole('button', { name: 'Sign out my other sessions' }).isVisible()).toBe(false);

    // The first device is still signed in (its token was renewed), and the audit shows the re-auth.
    await page.goto(`${server.url}/audit`);
    for (const action of ['auth.reauth', 'session.revoke', 'session.others.revoke']) {
      await expect.poll(() => page.getByRole('table').getByText(action).first().isVisible(), { timeout: 10_000 }).toBe(true);
    }
    // The refused attempts are logged by the page on purpose (a 400 and the cancelled revoke).
    expect(errors.filter((e) => !/status of 40[01]|Could not revoke/.test(e))).toEqual([]);
    await ctx.close();
    await other.close();
  });
});
