import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, watchErrors } from './support/browser.ts';
import { startLocalServer } from './support/local-server.ts';
import { screen, setupOwner } from './support/setup-owner.ts';

/** Pages with long tables (visually-hidden text in rows) where issue 17 saw the app scroll away. */
const PAGES = [
  { path: '/users', ready: 'alice@northwind.example' },
  { path: '/routing', ready: 'sales@northwind.example' },
  { path: '/domains/northwind.example', ready: 'DKIM key 1' },
  { path: '/settings', ready: 'Admins' },
  { path: '/audit', ready: 'Audit log' },
  { path: '/migrations', ready: 'Migrations' },
] as const;

const VIEWPORTS = [
  { name: 'desktop', width: 1280, height: 900 },
  { name: 'phone', width: 375, height: 812 },
] as const;

// Issue 17 item 1: wheeling past the end of a long page must scroll <main> only. The document itself is
// exactly one viewport tall, so the banner, the sidebar (or the phone's top bar) never move.
describe('scrolling to the end of a page keeps the layout in place', () => {
  let server: Awaited<ReturnType<typeof startLocalServer>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    server = await startLocalServer();
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    errors = watchErrors(page);
    await setupOwner(page, server);
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
  });

  for (const vp of VIEWPORTS) {
    for (const p of PAGES) {
      it(`${p.path} at ${vp.name} width`, async () => {
        // Prepare
        await page.setViewportSize({ width: vp.width, height: vp.height });
        await page.goto(`${server.url}${p.path}`);
        await page.getByText(p.ready).first().waitFor({ state: 'attached', timeout: 15_000 });
        await page.waitForLoadState('networkidle');
        const bar = vp.name === 'desktop' ? page.locator('aside').first() : page.locator('header').first();
        const banner = page.getByText('Sandbox — changes do not reach PurelyMail');
        // Act: wheel well past the end of the page.
        await page.mouse.move(vp.width - 20, vp.height / 2);
        for (let i = 0; i < 12; i++) await page.mouse.wheel(0, 1500);
        await page.waitForTimeout(300);
        // Assess: the document did not scroll, is as tall as the window, and the chrome is where it was.
        const doc = await page.evaluate(() => ({
          scrollY: window.scrollY,
          height: document.documentElement.scrollHeight,
          bodyHeight: document.body.scrollHeight,
        }));
        expect(doc.scrollY, `${p.path}: the window scrolled`).toBe(0);
        expect(doc.height, `${p.path}: the document is ${doc.height} px in a ${vp.height} px window`).toBeLessThanOrEqual(vp.height + 1);
        expect(doc.bodyHeight).toBeLessThanOrEqual(vp.height + 1);
        expect((await banner.boundingBox())?.y).toBe(0);
        const barBox = await bar.boundingBox();
        expect(barBox?.y).toBeGreaterThanOrEqual(0);
        expect(barBox?.y).toBeLessThan(60);
        // <main> did take the scroll when it has more to show.
        const main = await page.evaluate(() => {
          const m = document.querySelector('main')!;
          return { top: m.scrollTop, overflow: m.scrollHeight - m.clientHeight };
        });
        if (main.overflow > 10) expect(main.top).toBeGreaterThan(0);
        await screen(page, `overscroll-${p.path.replace(/\W+/g, '-').replace(/^-/, '')}-${vp.name}`);
      });
    }
  }

  it('raised no page errors', () => {
    expect(errors).toEqual([]);
  });
});
