/**
 * `npm run screenshots:readme`: the README's pictures, taken from a fresh local run with the sandbox's demo
 * data (synced once), in the light and the dark theme, at desktop width and on a 375 px phone. Written to
 * docs/images/ (committed); run it again when the pages change.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium } from './browser.ts';
import { startLocalServer } from './local-server.ts';
import { setupOwner } from './setup-owner.ts';

const OUT = resolve(import.meta.dirname, '../../../docs/images');
const SHOTS = [
  { name: 'dashboard', path: '/', ready: (p: Page) => p.getByText('Users by domain').first() },
  { name: 'domain', path: '/domains/northwind.example', ready: (p: Page) => p.getByRole('heading', { name: 'DKIM key 1' }) },
] as const;
const VIEWPORTS = [
  { name: 'desktop', width: 1280, height: 860 },
  { name: 'phone', width: 375, height: 760 },
] as const;

mkdirSync(OUT, { recursive: true });
const server = await startLocalServer();
const browser = await launchChromium();
try {
  const ctx = await browser.newContext({ viewport: VIEWPORTS[0], deviceScaleFactor: 1 });
  const page = await ctx.newPage();
  await setupOwner(page, server);
  await page.getByRole('button', { name: 'Refresh from PurelyMail' }).click();
  await page.getByText('Synced with PurelyMail').first().waitFor();
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    for (const vp of VIEWPORTS) {
      await page.setViewportSize({ width: vp.width, height: vp.height });
      for (const shot of SHOTS) {
        if (vp.name === 'phone' && shot.name !== 'dashboard') continue;
        await page.goto(`${server.url}${shot.path}`);
        await shot.ready(page).waitFor();
        await page.waitForLoadState('networkidle');
        const file = join(OUT, `${shot.name}-${vp.name}-${colorScheme}.png`);
        await page.screenshot({ path: file });
        console.log(file);
      }
    }
  }
  await ctx.close();
} finally {
  await browser.close();
  await server.stop();
}
