import type { Browser, Page } from 'playwright-core';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, shot, watchErrors } from './support/browser.ts';
import { startLocalServer } from './support/local-server.ts';

const EMAIL = 'olive@example.com';
const PASSWORD = 'a long and happy passphrase 2026';

/** What the admin's phone shows: the key is read from the page, as a person would type it. */
const codeFor = (secret: string) => new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate();

/** A used code cannot be replayed, so a second sign-in waits for the next 30-second step. */
async function nextStep(): Promise<void> {
  const ms = 30_000 - (Date.now() % 30_000) + 300;
  await new Promise((r) => setTimeout(r, ms));
}

async function visible(page: Page, text: string | RegExp) {
  await expect.poll(() => page.getByText(text).first().isVisible(), { timeout: 15_000 }).toBe(true);
}

// Issue 8 as a person does it: set up 2FA in Settings (QR + key), save recovery codes, sign out, sign in
// with password then code, see the 2FA badge, require 2FA for everyone. Screenshots go to screenshots/.
describe('two-factor authentication in a browser', () => {
  let server: Awaited<ReturnType<typeof startLocalServer>>;
  let browser: Browser;
  beforeAll(async () => {
    server = await startLocalServer();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('enables 2FA, signs in with password and code, and requires it for every admin', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    const errors = watchErrors(page);

    // First owner.
    await page.goto(server.setupUrl!);
    await expect.poll(() => page.getByLabel('Name').isVisible()).toBe(true);
    await page.getByLabel('Name').fill('Olive Owner');
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel(/^Password/).fill(PASSWORD);
    await page.getByLabel(/confirm/i).fill(PASSWORD);
    await page.getByRole('button', { name: /create/i }).click();
    await page.waitForURL(`${server.url}/`);

    // Settings → Two-factor authentication → set up: QR code and the key for manual entry.
    await page.goto(`${server.url}/settings#two-factor`);
    const section = page.locator('section#two-factor');
    await section.getByRole('button', { name: /set up two-factor/i }).click();
    const qr = section.getByRole('img', { name: /QR code/i });
    await expect.poll(() => qr.isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    const secret = (await section.locator('#mfa-secret').innerText()).replace(/\s/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(await section.getByLabel('Code from the app').getAttribute('autocomplete')).toBe('one-time-code');
    await section.locator('#mfa-secret').scrollIntoViewIfNeeded();
    await shot(page, 'mfa-01-settings-qr');

    // Confirm with a code and the password; the recovery codes are shown once.
    await section.getByLabel('Code from the app').fill(codeFor(secret));
    await section.getByLabel('Your password').fill(PASSWORD);
    await section.getByRole('button', { name: /turn on two-factor/i }).click();
    await visible(page, 'Save your recovery codes');
    const codes = (await section.getByRole('list', { name: 'Recovery codes' }).innerText()).split(/\s+/).filter(Boolean);
    expect(codes).toHaveLength(10);
    expect(await section.getByRole('button', { name: /download \.txt/i }).isVisible()).toBe(true);
    await shot(page, 'mfa-02-recovery-codes');
    await section.getByRole('button', { name: /saved my recovery codes/i }).click();
    await expect.poll(async () => (await section.innerText()).includes('10 of 10 recovery codes left'), { timeout: 10_000 }).toBe(true);

    // Owners see the badge in the admins list.
    const me = page.locator('section#admins tr').filter({ hasText: EMAIL });
    await expect.poll(() => me.getByText('2FA', { exact: true }).isVisible(), { timeout: 10_000 }).toBe(true);

    // Sign out, then sign in: the password alone is not enough.
    await page.getByRole('button', { name: /log out/i }).first().click();
    await page.waitForURL(/\/login/);
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel(/^Password/).fill(PASSWORD);
    await page.getByRole('button', { name: /sign in/i }).click();
    const codeInput = page.getByLabel('Authentication code');
    await expect.poll(() => codeInput.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await codeInput.getAttribute('autocomplete')).toBe('one-time-code');
    expect(await codeInput.getAttribute('inputmode')).toBe('numeric');
    expect(await page.getByRole('button', { name: /use a recovery code/i }).isVisible()).toBe(true);
    await shot(page, 'mfa-03-login-code');

    await codeInput.fill('000000');
    await page.getByRole('button', { name: /verify/i }).click();
    await visible(page, /code is not right/);

    await nextStep();
    await page.getByLabel('Authentication code').fill(codeFor(secret));
    await page.getByRole('button', { name: /verify/i }).click();
    await page.waitForURL(`${server.url}/`);

    // Require 2FA for every admin (the owner has it, so the server allows it).
    await page.goto(`${server.url}/settings#panel`);
    const toggle = page.getByRole('switch', { name: /require two-factor/i });
    await expect.poll(() => toggle.isEnabled(), { timeout: 10_000 }).toBe(true);
    await toggle.click();
    await expect.poll(() => toggle.getAttribute('aria-checked'), { timeout: 10_000 }).toBe('true');
    await toggle.scrollIntoViewIfNeeded();
    await shot(page, 'mfa-04-require-toggle');

    expect(errors).toEqual([]);
    await ctx.close();
  });
});
