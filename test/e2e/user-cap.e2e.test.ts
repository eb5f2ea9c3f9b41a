import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_DOMAINS } from '../../functions/src/local/purelymail-sandbox/sandbox-seed.ts';
import { describeFindings, horizontalOverflow, seriousViolations } from './support/axe.ts';
import { launchChromium, watchErrors } from './support/browser.ts';
import { startLocalServer } from './support/local-server.ts';
import { screen, seeText, setupOwner } from './support/setup-owner.ts';

/** An empty seeded domain whose users all sort past PurelyMail's 1,000-name cap. */
const LATE = SEED_DOMAINS.fresh;
const LATE_USERS = Array.from({ length: 12 }, (_, i) => `zz${String(i + 1).padStart(2, '0')}@${LATE}`);
const FILLERS = Array.from({ length: 1000 }, (_, i) => `m${String(i).padStart(4, '0')}@${SEED_DOMAINS.healthy}`);
const CAPPED = '1,000+ (PurelyMail lists at most 1,000)';

// Issue 13 in a browser: an account past PurelyMail's 1,000-user cap, created through the sandbox's PurelyMail
// API. The panel says "1,000+" wherever it counts, finds a user past the cap by exact address, and refuses to
// delete a domain whose users it cannot all see.
describe('an account past the 1,000-user cap, in a browser', () => {
  let server: Awaited<ReturnType<typeof startLocalServer>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    server = await startLocalServer();
    const sandbox = server.sandbox!;
    const create = async (address: string) => {
      const [userName, domainName] = address.split('@');
      const res = await fetch(`${sandbox.url}/api/v0/createUser`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Purelymail-Api-Token': sandbox.token },
        body: JSON.stringify({ userName, domainName, password: 'bulk-created-password-1', sendWelcomeEmail: false }),
      });
      expect(((await res.json()) as { type: string }).type).toBe('success');
    };
    const all = [...FILLERS, ...LATE_USERS];
    for (let i = 0; i < all.length; i += 25) await Promise.all(all.slice(i, i + 25).map(create));
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    page = await context.newPage();
    errors = watchErrors(page);
    await setupOwner(page, server);
  }, 180_000);
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
  });

  it('the dashboard counts "1,000+ (PurelyMail lists at most 1,000)"', async () => {
    await page.goto(`${server.url}/`);
    await page.getByRole('button', { name: /refresh from purelymail/i }).click();
    const users = page.locator('main').getByRole('link', { name: /^Users/ });
    await expect.poll(() => users.innerText(), { timeout: 15_000 }).toContain('1,000+');
    expect((await users.innerText()).replace(/\s+/g, ' ')).toContain('1,000+ (PurelyMail lists at most 1,000)');
    await seeText(page, /PurelyMail lists at most 1,000 users, so a domain may have more than shown/);
    await screen(page, 'cap-01-dashboard', { grow: true });
  });

  it('the users page says the list may be incomplete and counts "1,000+"', async () => {
    await page.goto(`${server.url}/users`);
    await seeText(page, `This list may be incomplete: ${CAPPED}`);
    await seeText(page, 'type its full address in Search');
    const count = page.locator('main p[aria-live="polite"]').filter({ hasText: 'users' });
    expect((await count.innerText()).replace(/\s+/g, ' ')).toBe(`1,000+ users (PurelyMail lists at most 1,000)`);
    await screen(page, 'cap-02-users');
    const findings = await seriousViolations(page);
    expect(findings, describeFindings('users (capped)', findings)).toEqual([]);
  });

  it('search finds a user past the cap by exact address (getUser), and says when there is none', async () => {
    // Act: part of an address only searches the listed users.
    await page.locator('#user-search').fill('zz01');
    await seeText(page, 'No users match');
    await seeText(page, 'Type a full address to ask PurelyMail for it.');
    // Act: the full address.
    await page.locator('#user-search').fill(LATE_USERS[0]!);
    // Assess
    await expect.poll(() => page.getByTitle(`Open ${LATE_USERS[0]}`).isVisible(), { timeout: 10_000 }).toBe(true);
    await seeText(page, `${LATE_USERS[0]} is not among the users PurelyMail lists; it was found by asking PurelyMail for it.`);
    await screen(page, 'cap-03-search-found');
    // It opens like any user.
    await page.getByTitle(`Open ${LATE_USERS[0]}`).click();
    const drawer = page.getByRole('dialog', { name: LATE_USERS[0] });
    await expect.poll(() => drawer.getByRole('switch', { name: 'Search indexing' }).isVisible(), { timeout: 10_000 }).toBe(true);
    await drawer.getByRole('button', { name: 'Close' }).click();
    // A full address PurelyMail does not have.
    await page.locator('#user-search').fill(`nobody@${LATE}`);
    await seeText(page, `No user nobody@${LATE}`);
    await screen(page, 'cap-04-search-missing');
  });

  it('the domains list shows each count as a lower bound', async () => {
    await page.goto(`${server.url}/domains`);
    const row = page.locator('tr').filter({ has: page.getByRole('link', { name: LATE }) });
    // "0+" on screen, "0 or more" for a screen reader.
    const users = row.locator('td').nth(1);
    await expect.poll(() => users.locator('[aria-hidden="true"]').textContent(), { timeout: 10_000 }).toBe('0+');
    expect(await users.locator('.sr-only').textContent()).toBe('0 or more');
    await seeText(page, /a domain may have more users than counted/);
    await screen(page, 'cap-05-domains', { grow: true });
  });

  it('refuses to delete a domain whose users it cannot all see, and says what to do', async () => {
    // Prepare
    await page.goto(`${server.url}/domains/${LATE}`);
    await seeText(page, 'PurelyMail lists at most 1,000 users: there may be more');
    // Act
    await page.getByRole('button', { name: 'Delete domain' }).click();
    const dialog = page.getByRole('dialog', { name: `Delete ${LATE}?` });
    await dialog.getByRole('button', { name: 'Schedule deletion' }).click();
    // Assess
    const alert = dialog.getByRole('alert');
    await expect.poll(() => alert.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await alert.innerText()).toContain(`the panel cannot see whether ${LATE} still has users`);
    expect(await alert.innerText()).toContain("delete the domain in PurelyMail's own console");
    await screen(page, 'cap-06-delete-refused');
    expect(server.sandbox!.requests().some((r) => r.op === 'deleteDomain')).toBe(false);
    expect(LATE_USERS.every((u) => server.sandbox!.state.users[u])).toBe(true);
  });

  it('a 375 px phone shows the same counts', async () => {
    await page.setViewportSize({ width: 375, height: 812 });
    await page.goto(`${server.url}/`);
    await expect.poll(() => page.locator('main').getByRole('link', { name: /^Users/ }).innerText(), { timeout: 15_000 }).toContain('1,000+');
    await screen(page, 'cap-07-phone-dashboard', { grow: true });
    await page.goto(`${server.url}/users`);
    await seeText(page, `This list may be incomplete: ${CAPPED}`);
    await screen(page, 'cap-08-phone-users');
    // The capped wording reads well to assistive technology and fits the phone, like every other page.
    const findings = await seriousViolations(page);
    expect(findings, describeFindings('users (capped), 375 px', findings)).toEqual([]);
    expect(await horizontalOverflow(page)).toBe(0);
    await page.setViewportSize({ width: 1280, height: 860 });
    // The only failed requests are the two this walk-through asks for: the lookup of an address PurelyMail does
    // not have (404) and the refused deletion (409).
    expect(errors.filter((e) => !/status of (404 \(Not Found\)|409 \(Conflict\))/.test(e))).toEqual([]);
    expect(errors).toHaveLength(2);
  });
});
