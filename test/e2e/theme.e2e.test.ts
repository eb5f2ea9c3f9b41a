import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, watchErrors } from './support/browser.ts';
import { startLocalServer } from './support/local-server.ts';
import { screen, setupOwner } from './support/setup-owner.ts';

/** What the page shows now: <html data-theme>, and the page background's lightness (0 black … 1 white). */
async function look(page: Page): Promise<{ theme: string | undefined; background: number; colorScheme: string }> {
  return page.evaluate(() => {
    const probe = document.createElement('canvas').getContext('2d')!;
    probe.fillStyle = getComputedStyle(document.body).backgroundColor;
    probe.fillRect(0, 0, 1, 1);
    const [r, g, b] = probe.getImageData(0, 0, 1, 1).data;
    return {
      theme: document.documentElement.dataset.theme,
      background: (0.2126 * r! + 0.7152 * g! + 0.0722 * b!) / 255,
      colorScheme: getComputedStyle(document.documentElement).colorScheme,
    };
  });
}

/** The theme radios of the visible account box (the sidebar's at desktop width). */
const themeRadio = (page: Page, name: 'System' | 'Light' | 'Dark') =>
  page.locator('aside').getByRole('group', { name: 'Theme' }).getByRole('radio', { name });
/** Clicks a theme choice as a person does: on its label (the radio itself is visually hidden). */
const pick = (radio: ReturnType<typeof themeRadio>) => radio.locator('xpath=..').click();

// Issue 17, dark mode: the panel follows the system's light/dark preference, the account menu overrides it
// (system / light / dark), the choice is remembered in this browser, and the right theme is on screen before
// the app's JavaScript runs (no flash of the wrong one).
describe('dark mode', () => {
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

  it('follows the system preference on the sign-in page, from the first paint', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const ctx = await browser.newContext({ colorScheme, viewport: { width: 1280, height: 900 } });
      const page = await ctx.newPage();
      const errors = watchErrors(page);
      await page.goto(`${server.url}/login`);
      await page.getByLabel('Email').waitFor();
      const seen = await look(page);
      expect(seen.theme).toBe(colorScheme);
      expect(seen.colorScheme).toBe(colorScheme);
      if (colorScheme === 'dark') expect(seen.background).toBeLessThan(0.15);
      else expect(seen.background).toBeGreaterThan(0.9);
      await screen(page, `theme-login-${colorScheme}`);

      // Without the app's scripts (as at the first paint, before they arrive) the theme is already applied:
      // the inline script in index.html did it, and the page's CSP allowed it.
      const bare = await ctx.newPage();
      const bareErrors = watchErrors(bare);
      await bare.route('**/_app/immutable/**/*.js', (route) => route.abort());
      await bare.goto(`${server.url}/login`);
      const first = await look(bare);
      expect(first.theme).toBe(colorScheme);
      if (colorScheme === 'dark') expect(first.background).toBeLessThan(0.15);
      expect(bareErrors.filter((e) => /Content Security Policy|inline script/i.test(e))).toEqual([]);
      expect(errors).toEqual([]);
      await ctx.close();
    }
  });

  it('the account menu overrides the system, remembers the choice across reloads, and "System" follows it again', async () => {
    const ctx = await browser.newContext({ colorScheme: 'light', viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    await setupOwner(page, server);
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    expect((await look(page)).theme).toBe('light');
    await expect.poll(() => themeRadio(page, 'System').isChecked()).toBe(true);

    await pick(themeRadio(page, 'Dark'));
    expect(await look(page)).toMatchObject({ theme: 'dark', colorScheme: 'dark' });
    expect((await look(page)).background).toBeLessThan(0.15);

    // Remembered: a reload, and a new tab, open dark although the system is light.
    await page.reload();
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    expect((await look(page)).theme).toBe('dark');
    expect(await themeRadio(page, 'Dark').isChecked()).toBe(true);
    const other = await ctx.newPage();
    await other.route('**/_app/immutable/**/*.js', (route) => route.abort());
    await other.goto(`${server.url}/users`);
    expect((await look(other)).theme).toBe('dark');
    await other.close();
    await screen(page, 'theme-dashboard-dark-chosen');

    // Light, chosen, stays light when the system turns dark.
    await pick(themeRadio(page, 'Light'));
    await page.emulateMedia({ colorScheme: 'dark' });
    expect((await look(page)).theme).toBe('light');
    await page.reload();
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    expect((await look(page)).theme).toBe('light');

    // System: follows the preference, also when it changes while the page is open.
    await pick(themeRadio(page, 'System'));
    expect((await look(page)).theme).toBe('dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(async () => (await look(page)).theme).toBe('light');
    await page.reload();
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    expect((await look(page)).theme).toBe('light');
    expect(await page.evaluate(() => localStorage.getItem('purelymanage.theme'))).toBeNull();

    // The picker is keyboard-operable like any radio group.
    await themeRadio(page, 'System').focus();
    await page.keyboard.press('ArrowRight');
    expect((await look(page)).theme).toBe('light');
    await page.keyboard.press('ArrowRight');
    expect((await look(page)).theme).toBe('dark');

    // The phone menu has the same picker, and it agrees with the sidebar's.
    await page.setViewportSize({ width: 375, height: 812 });
    await page.getByRole('button', { name: 'Open menu' }).click();
    const menu = page.getByRole('dialog', { name: 'Menu' });
    expect(await menu.getByRole('radio', { name: 'Dark' }).isChecked()).toBe(true);
    await pick(menu.getByRole('radio', { name: 'Light' }));
    expect((await look(page)).theme).toBe('light');
    expect(errors).toEqual([]);
    await ctx.close();
  });
});
