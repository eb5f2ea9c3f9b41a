import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, watchErrors } from './support/browser.ts';
import { startLocalServer } from './support/local-server.ts';
import { OWNER_EMAIL, OWNER_PASSWORD, setupOwner } from './support/setup-owner.ts';

const NAV_LABELS = ['Dashboard', 'Users', 'Domains', 'Routing', 'Migrations', 'Pending', 'Audit', 'Settings'];

/** What has focus now: its id, tag, accessible-ish name, and whether it sits in the main navigation. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { id: '', tag: 'BODY', name: '', inNav: false, inDialog: '' };
    const name = (el.getAttribute('aria-label') ?? el.innerText ?? '').trim().replace(/\s+/g, ' ');
    return { id: el.id, tag: el.tagName, name, inNav: !!el.closest('nav[aria-label="Main"]'), inDialog: el.closest('dialog')?.getAttribute('aria-labelledby') ?? '' };
  });

/** The focus indicator the user sees on the focused element: a non-zero outline or a box-shadow ring. */
const focusRing = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement;
    const s = getComputedStyle(el);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 ? `${s.outlineWidth} ${s.outlineStyle} ${s.outlineColor}` : '';
    const shadow = s.boxShadow && s.boxShadow !== 'none' ? s.boxShadow : '';
    return outline || shadow;
  });

/** Presses Tab (Shift+Tab when `back`) until `match` holds for the focused element; fails after `max` presses. */
async function tabTo(page: Page, match: (f: Awaited<ReturnType<typeof focused>>) => boolean, what: string, max = 60, back = false): Promise<void> {
  if (match(await focused(page))) return;
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    if (match(await focused(page))) return;
  }
  throw new Error(`Tab never reached ${what} (last: ${JSON.stringify(await focused(page))})`);
}

// Issue 8: the main flows with the keyboard only — sign in, walk the sidebar, create a user from the dialog
// and submit with Enter, close a dialog with Escape and get focus back on the opener — with a visible focus
// ring on every control that receives focus.
describe('keyboard-only use', () => {
  let server: Awaited<ReturnType<typeof startLocalServer>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    server = await startLocalServer();
    browser = await launchChromium();
    // The owner exists already; the keyboard session below starts signed out.
    const setup = await browser.newPage();
    await setupOwner(setup, server);
    await setup.close();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    errors = watchErrors(page);
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
  });

  it('signs in with Tab and Enter, with a focus ring on each field', async () => {
    await page.goto(`${server.url}/login`);
    await page.locator('#email').waitFor({ timeout: 15_000 });
    await tabTo(page, (f) => f.id === 'email', 'the email field', 10);
    expect(await focusRing(page)).not.toBe('');
    await page.keyboard.type(OWNER_EMAIL);
    await page.keyboard.press('Tab');
    expect((await focused(page)).id).toBe('password');
    expect(await focusRing(page)).not.toBe('');
    await page.keyboard.type(OWNER_PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${server.url}/`, { timeout: 15_000 });
  });

  it('walks the sidebar in order with Tab, every link showing a focus ring, and opens a page with Enter', async () => {
    await page.getByRole('link', { name: /^Users/ }).first().waitFor({ timeout: 15_000 });
    // Start from the top of the document.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const seen: string[] = [];
    for (let i = 0; i < 40 && seen.length < NAV_LABELS.length; i++) {
      await page.keyboard.press('Tab');
      const f = await focused(page);
      if (!f.inNav) continue;
      seen.push(f.name.replace(/\s*\d+ scheduled$/, ''));
      expect(await focusRing(page), `focus ring on ${f.name}`).not.toBe('');
    }
    expect(seen).toEqual(NAV_LABELS);
    // Back up to Users and follow it with Enter.
    await tabTo(page, (f) => f.inNav && f.name === 'Users', 'the Users link', 10, true);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${server.url}/users`);
  });

  it('opens "New user" with Enter, fills the form from the keyboard and submits it with Enter', async () => {
    await page.getByTitle('Open alice@northwind.example').first().waitFor({ timeout: 15_000 });
    await tabTo(page, (f) => f.tag === 'BUTTON' && f.name === 'New user', 'the New user button');
    expect(await focusRing(page)).not.toBe('');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'New user' });
    await dialog.waitFor({ state: 'visible' });
    // The modal takes focus itself (its first field); Tab only if it did not.
    await tabTo(page, (f) => f.id === 'new-user-localPart', 'the user name field', 10);
    expect(await focusRing(page)).not.toBe('');
    await page.keyboard.type('kim');
    await tabTo(page, (f) => f.id === 'new-user-domain', 'the domain select', 5);
    expect(await focusRing(page)).not.toBe('');
    // A focused <select> picks the option whose label starts with what is typed.
    await page.keyboard.type('northwind');
    expect(await page.locator('#new-user-domain').inputValue()).toBe('northwind.example');
    await tabTo(page, (f) => f.id === 'new-user-password', 'the password field', 5);
    await page.keyboard.type('a keyboard-only mailbox passphrase');
    await page.keyboard.press('Enter');
    await page.getByText('Created kim@northwind.example.').first().waitFor({ timeout: 15_000 });
    expect(server.sandbox!.verifyPassword('kim@northwind.example', 'a keyboard-only mailbox passphrase')).toBe(true);
    await expect.poll(() => dialog.isVisible()).toBe(false);
    // The one-time credentials hand-over follows; it takes focus and closes with Escape.
    const handover = page.getByRole('dialog', { name: 'kim@northwind.example is ready' });
    await handover.waitFor({ state: 'visible' });
    expect(await handover.evaluate((el) => el.contains(document.activeElement))).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => handover.isVisible()).toBe(false);
  });

  it('closes a dialog with Escape and puts focus back on the button that opened it', async () => {
    const opener = page.getByRole('button', { name: 'New user' });
    await opener.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'New user' });
    await dialog.waitFor({ state: 'visible' });
    expect((await focused(page)).inDialog).toBe('new-user-title');
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect(await opener.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await focusRing(page)).not.toBe('');

    // The user drawer too: opened from a row with Enter, closed with Escape, focus back on the row's link.
    const row = page.getByTitle('Open alice@northwind.example').first();
    await row.focus();
    await page.keyboard.press('Enter');
    const drawer = page.getByRole('dialog', { name: 'alice@northwind.example' });
    await drawer.waitFor({ state: 'visible' });
    await page.keyboard.press('Escape');
    await expect.poll(() => drawer.isVisible()).toBe(false);
    expect(await row.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(errors).toEqual([]);
  });
});
