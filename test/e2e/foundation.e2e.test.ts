import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_USER_COUNT } from '../../functions/src/local/purelymail-sandbox/sandbox-seed.ts';
import { launchChromium, shot, watchErrors } from './support/browser.ts';
import { startLocalServer } from './support/local-server.ts';

const EMAIL = 'olive@example.com';
const PASSWORD = 'a long and happy passphrase 2026';

async function logIn(page: Page, url: string, email: string, password: string) {
  await page.goto(`${url}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel(/^Password/).fill(password);
  await page.getByRole('button', { name: /sign in/i }).click();
}

// Issue 2's walk-through, as a person does it: setup → login → dashboard → second device → revoke →
// audit → throttling. Screenshots land in screenshots/ for a human to look at.
describe('foundation in a browser', () => {
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

  it('walks from first-run setup to a revoked second session and the audit trail', async () => {
    const first = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await first.newPage();
    const errors = watchErrors(page);

    // First-run setup through the printed one-time link.
    await page.goto(server.setupUrl!);
    await expect.poll(() => page.getByLabel('Name').isVisible(), { timeout: 15_000 }).toBe(true);
    await page.getByLabel('Name').fill('Olive Owner');
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel(/^Password/).fill(PASSWORD);
    await page.getByLabel(/confirm/i).fill(PASSWORD);
    await shot(page, 'foundation-01-setup');
    await page.getByRole('button', { name: /create/i }).click();
    await page.waitForURL(`${server.url}/`);

    // Dashboard: sync from the sandbox, then the credit and totals are the sandbox's.
    await page.getByRole('button', { name: /refresh from purelymail/i }).click();
    await expect.poll(() => page.getByText('$19.16').first().isVisible(), { timeout: 15_000 }).toBe(true);
    await expect.poll(async () => (await page.locator('main').innerText()).includes(String(SEED_USER_COUNT))).toBe(true);
    await expect.poll(() => page.getByText(/sandbox/i).first().isVisible()).toBe(true);
    await shot(page, 'foundation-03-dashboard');

    // A second browser logs in as the same admin.
    const second = await browser.newContext({ viewport: { width: 1280, height: 860 }, userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) Gecko/20100101 Firefox/140.0' });
    const page2 = await second.newPage();
    await page2.goto(`${server.url}/login`);
    // The sign-in page starts in the email field (SvelteKit's focus reset after navigation keeps it).
    await expect.poll(() => page2.evaluate(() => document.activeElement?.id), { timeout: 10_000 }).toBe('email');
    await page2.keyboard.type('typed@example.com');
    expect(await page2.getByLabel('Email').inputValue()).toBe('typed@example.com');
    await page2.getByLabel('Email').fill('');
    await shot(page2, 'foundation-02-login');
    await logIn(page2, server.url, EMAIL, PASSWORD);
    await page2.waitForURL(`${server.url}/`);

    // The first revokes it in Settings → Sessions.
    await page.goto(`${server.url}/settings`);
    const row = page.locator('tr, li, [role="row"]').filter({ hasText: 'Firefox' }).first();
    await expect.poll(() => row.isVisible(), { timeout: 10_000 }).toBe(true);
    await shot(page, 'foundation-04-settings');
    await row.getByRole('button', { name: /revoke/i }).click();
    await page.getByRole('dialog').getByRole('button', { name: /revoke/i }).click();
    await expect.poll(() => row.isVisible(), { timeout: 10_000 }).toBe(false);

    // The second is sent to login on its next request.
    await page2.goto(`${server.url}/audit`);
    await page2.waitForURL(/\/login/);

    // The audit page lists these actions.
    await page.goto(`${server.url}/audit`);
    for (const action of ['setup.complete', 'auth.login', 'cache.sync', 'session.revoke']) {
      await expect.poll(() => page.getByRole('table').getByText(action).first().isVisible(), { timeout: 10_000 }).toBe(true);
    }
    await shot(page, 'foundation-05-audit');
    expect(errors).toEqual([]);
    await first.close();
    await second.close();
  });

  it('throttles ten wrong passwords with the same message for a real and a made-up account', async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    const messages = async (email: string) => {
      const seen: string[] = [];
      for (let i = 0; i < 10; i++) {
        await logIn(page, server.url, email, 'definitely not the password');
        const alert = page.getByRole('alert').first();
        await expect.poll(() => alert.isVisible(), { timeout: 10_000 }).toBe(true);
        seen.push((await alert.innerText()).trim());
      }
      return seen;
    };
    const real = await messages(EMAIL);
    const fake = await messages('nobody-here@example.com');
    expect(real).toEqual(fake);
    expect(real[0]).toMatch(/email or password is wrong/i);
    expect(real[9]).toMatch(/too many sign-in attempts/i);
    await shot(page, 'foundation-06-throttled');
    await ctx.close();
  });
});
