import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../functions/test/support/api-client.ts';
import { FakeClock } from '../../functions/test/support/test-runtime.ts';
import { describeFindings, horizontalOverflow, seriousViolations } from './support/axe.ts';
import { launchChromium, watchErrors } from './support/browser.ts';
import { startLocalServer } from './support/local-server.ts';
import { OWNER_EMAIL, OWNER_PASSWORD, screen, setupOwner } from './support/setup-owner.ts';

const DAY = 86_400_000;

// Issue 18 (credit forecast): days of spending simulated with the sandbox's credit route and a test clock, then
// the dashboard as an admin sees it, on a desktop and a 375 px phone.
describe('credit forecast on the dashboard', () => {
  const clock = new FakeClock(Date.parse('2026-11-01T09:00:00Z'));
  let server: Awaited<ReturnType<typeof startLocalServer>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  const api = async () => {
    const c = new ApiClient(server.url);
    expect((await c.post('/api/auth/login', { email: OWNER_EMAIL, password: OWNER_PASSWORD })).status).toBe(200);
    return c;
  };
  /** Simulated days: each day PurelyMail shows the balance, an admin refreshes, the clock moves on. */
  async function simulateDays(credits: number[]) {
    for (const credit of credits) {
      const res = await fetch(`${server.sandbox!.url}/__sandbox/credit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ credit: String(credit) }) });
      expect(res.status).toBe(200);
      expect((await (await api()).post('/api/sync', {})).status).toBe(200);
      clock.advance(DAY);
    }
  }
  async function signIn() {
    await page.goto(`${server.url}/login`);
    await page.getByLabel('Email').fill(OWNER_EMAIL);
    await page.getByLabel(/^Password/).fill(OWNER_PASSWORD);
    await page.getByRole('button', { name: /sign in/i }).click();
    await page.waitForURL(`${server.url}/`);
  }
  const card = () => page.getByTestId('credit-forecast');

  beforeAll(async () => {
    server = await startLocalServer({}, { clock });
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

  it('says there is not enough history after three days', async () => {
    await simulateDays([40, 39.5, 39]);
    await signIn();
    await expect.poll(() => card().innerText(), { timeout: 10_000 }).toContain('Not enough history for a forecast yet');
    expect(await card().innerText()).toContain('it has 3 of the 7 days it needs');
  });

  it('after ten days of spending: days left at the daily rate, with a chart that has a text alternative', async () => {
    await simulateDays([38.5, 38, 37.5, 37, 36.5, 36, 35.5]); // $0.50 a day for 10 days
    await signIn();
    await expect.poll(() => card().innerText(), { timeout: 10_000 }).toContain('About 67 days left at $0.50/day');
    // $35.50 − $2.00 red = $33.50 at $0.50/day = 67 days after 10 Nov.
    expect(await card().innerText()).toContain('reaches the red threshold around 16 Jan 2027');
    expect(await page.getByText('About 67 days left at $0.50/day').count()).toBe(2); // the credit card says it too
    const chart = card().getByRole('img');
    expect(await chart.getAttribute('aria-labelledby')).toBeTruthy();
    expect(await chart.locator('title').textContent()).toBe('Credit by day: $40.00 on 1 Nov 2026, $35.50 on 10 Nov 2026 (10 readings); red threshold $2.00.');
    await card().getByText('Daily readings').click();
    expect(await card().getByRole('row').count()).toBe(11);
    await card().scrollIntoViewIfNeeded();
    expect(describeFindings('dashboard with the forecast (desktop)', await seriousViolations(page))).toBe('');
    await screen(page, 'credit-forecast-01-desktop', { grow: true });
    await page.setViewportSize({ width: 375, height: 800 });
    await card().scrollIntoViewIfNeeded();
    const box = await card().boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(375);
    await screen(page, 'credit-forecast-02-375');
    expect(await horizontalOverflow(page)).toBe(0);
    expect(describeFindings('dashboard with the forecast (375 px)', await seriousViolations(page))).toBe('');
    await page.evaluate(() => document.querySelector('main')?.scrollTo(0, 1e6));
    await screen(page, 'credit-forecast-03-375-end');
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(errors).toEqual([]);
  });
});
