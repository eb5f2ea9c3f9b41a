import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { SHOTS_DIR } from './browser.ts';

export const OWNER_EMAIL = 'olive@example.com';
export const OWNER_PASSWORD = 'a long and happy passphrase 2026';

/** First-run setup through the printed one-time link; leaves the page signed in on the dashboard. */
export async function setupOwner(page: Page, server: { url: string; setupUrl: string | undefined }, email = OWNER_EMAIL): Promise<void> {
  await page.goto(server.setupUrl!);
  await page.getByLabel('Name').waitFor({ timeout: 15_000 });
  await page.getByLabel('Name').fill('Olive Owner');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel(/^Password/).fill(OWNER_PASSWORD);
  await page.getByLabel(/confirm/i).fill(OWNER_PASSWORD);
  await page.getByRole('button', { name: /create/i }).click();
  await page.waitForURL(`${server.url}/`);
}

/** Waits until the text is visible somewhere on the page (works in hooks too, unlike expect.poll). */
export async function seeText(page: Page, text: string | RegExp, timeout = 10_000): Promise<void> {
  await page.getByText(text).first().waitFor({ state: 'visible', timeout });
}

/**
 * A screenshot as a person sees it. The app scrolls inside <main>, so `fullPage` would only add an empty
 * band: by default this takes the viewport; `grow` enlarges the viewport to the content first.
 */
export async function screen(page: Page, name: string, opts: { grow?: boolean } = {}): Promise<void> {
  mkdirSync(SHOTS_DIR, { recursive: true });
  const vp = page.viewportSize() ?? { width: 1280, height: 860 };
  if (opts.grow) {
    const content = await page.evaluate(() => document.querySelector('main')?.scrollHeight ?? 0);
    await page.setViewportSize({ width: vp.width, height: Math.max(vp.height, content + 160) });
  }
  await page.screenshot({ path: join(SHOTS_DIR, `${name}.png`) });
  if (opts.grow) await page.setViewportSize(vp);
}
