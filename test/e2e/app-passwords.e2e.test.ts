import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, watchErrors } from './support/browser.ts';
import { startLocalServer } from './support/local-server.ts';
import { screen, seeText, setupOwner } from './support/setup-owner.ts';

const ADDRESS = 'alice@northwind.example';

// Issue 18: an app password for a person's phone, made from the user's drawer, shown once, revoked.
describe('app passwords in a browser', () => {
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

  const openDrawer = async () => {
    await page.goto(`${server.url}/users`);
    await page.getByTitle(`Open ${ADDRESS}`).click();
    const drawer = page.getByRole('dialog', { name: ADDRESS });
    await expect.poll(() => drawer.getByRole('heading', { name: 'App passwords' }).isVisible(), { timeout: 15_000 }).toBe(true);
    return drawer;
  };

  it('creates a named app password, shows it once with the mail-app settings and copy, and lists it without the secret', async () => {
    const drawer = await openDrawer();
    await expect.poll(() => drawer.getByText('The panel has made no app passwords for this mailbox.').isVisible()).toBe(true);
    await expect.poll(() => drawer.getByText(/cannot list app passwords created elsewhere/).isVisible()).toBe(true);
    await drawer.getByRole('button', { name: 'New app password' }).click();
    await drawer.getByLabel(/^Name/).fill("Alice's phone");
    await drawer.getByRole('button', { name: 'Create app password' }).click();

    const secretEl = drawer.getByTestId('app-password-secret');
    await expect.poll(() => secretEl.isVisible(), { timeout: 10_000 }).toBe(true);
    const secret = await secretEl.innerText();
    expect(sandbox().verifyAppPassword(ADDRESS, secret)).toBe(true);
    await drawer.getByRole('button', { name: 'Copy app password' }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    const settings = drawer.getByRole('region', { name: 'Settings for your mail app' });
    expect(await settings.innerText()).toMatch(/imap\.purelymail\.com, port 993, SSL\/TLS/);
    expect(await settings.innerText()).toMatch(/smtp\.purelymail\.com, port 465, SSL\/TLS \(or port 587, STARTTLS\)/);
    const list = drawer.getByRole('list', { name: 'App passwords made in the panel' });
    await expect.poll(() => list.getByText("Alice's phone", { exact: true }).first().isVisible()).toBe(true);
    expect(await list.innerText()).toMatch(/For a person · by \S+@\S+ · /);
    await drawer.getByRole('heading', { name: 'App passwords' }).scrollIntoViewIfNeeded();
    await screen(page, 'app-passwords-01-created');

    // Shown once: dismissed, and after reopening the drawer it is nowhere on the page.
    await drawer.getByRole('button', { name: 'Done, I copied it' }).click();
    expect(await page.content()).not.toContain(secret);
    await page.keyboard.press('Escape');
    const again = await openDrawer();
    await expect.poll(() => again.getByText("Alice's phone", { exact: true }).first().isVisible()).toBe(true);
    expect(await page.content()).not.toContain(secret);
  });

  it('revokes it after a confirmation, at once: PurelyMail no longer accepts it', async () => {
    const drawer = page.getByRole('dialog', { name: ADDRESS });
    const before = sandbox().state.users[ADDRESS]!.appPasswords.length;
    expect(before).toBe(1);
    await drawer.getByRole('button', { name: "Revoke Alice's phone" }).click();
    const confirm = page.getByRole('dialog', { name: /Revoke “Alice's phone”\?/ });
    await expect.poll(() => confirm.isVisible()).toBe(true);
    expect(await confirm.innerText()).toMatch(/does not wait in the 24-hour queue/);
    await screen(page, 'app-passwords-02-confirm');
    await confirm.getByRole('button', { name: 'Revoke now' }).click();
    await seeText(page, /revoked: it no longer signs in/);
    expect(sandbox().state.users[ADDRESS]!.appPasswords).toEqual([]);
    await expect.poll(() => drawer.getByText('The panel has made no app passwords for this mailbox.').isVisible()).toBe(true);
  });

  it('reads on a 375 px phone, scrolled to the end of the drawer', async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    const drawer = await openDrawer();
    await drawer.getByRole('button', { name: 'New app password' }).click();
    await drawer.getByLabel(/^Name/).fill('Tablet');
    await drawer.getByRole('button', { name: 'Create app password' }).click();
    await expect.poll(() => drawer.getByTestId('app-password-secret').isVisible(), { timeout: 10_000 }).toBe(true);
    await drawer.getByRole('region', { name: 'Settings for your mail app' }).scrollIntoViewIfNeeded();
    await screen(page, 'app-passwords-03-phone');
    await drawer.getByRole('button', { name: /^Delete / }).scrollIntoViewIfNeeded();
    await screen(page, 'app-passwords-04-phone-end');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(errors).toEqual([]);
  });
});
