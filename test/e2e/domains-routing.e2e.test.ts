import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_OWNERSHIP_CODE } from '../../functions/src/local/purelymail-sandbox/sandbox-seed.ts';
import { launchChromium, watchErrors } from './support/browser.ts';
import { startLocalServer } from './support/local-server.ts';
import { screen, seeText, setupOwner } from './support/setup-owner.ts';

const NEW_DOMAIN = 'newco.example';

// Issue 3's domains and routing walk-through: an ownership failure that tells the admin exactly what to
// publish, success once DNS has it, copying a record from the DNS detail, and routing rules with
// autocomplete and a refused collision.
describe('domains and routing in a browser', () => {
  let server: Awaited<ReturnType<typeof startLocalServer>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  const sandbox = () => server.sandbox!;
  const clipboard = () => page.evaluate(() => navigator.clipboard.readText());

  beforeAll(async () => {
    server = await startLocalServer();
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
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

  it('shows the exact TXT record when ownership fails, then adds the domain once DNS has it', async () => {
    // Prepare
    await page.goto(`${server.url}/domains`);
    await page.getByRole('button', { name: 'Add domain' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Add a domain' });
    await dialog.getByText(SEED_OWNERSHIP_CODE).waitFor();
    await dialog.getByLabel('Domain name').fill(NEW_DOMAIN);
    // Act: nothing is published yet.
    await dialog.getByRole('button', { name: 'Add domain' }).click();
    // Assess: the refusal says which record, where, and what our lookup sees.
    const alert = dialog.getByRole('alert').filter({ hasText: 'PurelyMail cannot see the ownership record yet' });
    await expect.poll(() => alert.isVisible(), { timeout: 10_000 }).toBe(true);
    const text = await alert.innerText();
    expect(text).toContain(`Publish a TXT record at ${NEW_DOMAIN} (host “@”) with the value ${SEED_OWNERSHIP_CODE}`);
    expect(text).toContain('finds no ownership record');
    expect(sandbox().state.domains[NEW_DOMAIN]).toBeUndefined();
    await screen(page, 'domains-01-ownership-refused');

    // Act: the admin publishes the record, then tries again.
    sandbox().dns.replaceZone(NEW_DOMAIN, [{ name: '@', type: 'TXT', value: SEED_OWNERSHIP_CODE }]);
    await dialog.getByRole('button', { name: 'Try again' }).click();
    // Assess: added, and the panel opens its DNS page.
    await page.waitForURL(`${server.url}/domains/${NEW_DOMAIN}`, { timeout: 15_000 });
    await seeText(page, `${NEW_DOMAIN} added.`);
    expect(sandbox().state.domains[NEW_DOMAIN]).toBeDefined();
  });

  it('opens the DNS detail: every record to publish, copyable exactly, and the domain tracked for rechecks', async () => {
    // Prepare
    const dkim = page.locator('li').filter({ has: page.getByRole('heading', { name: 'DKIM key 1' }) });
    await expect.poll(() => dkim.isVisible(), { timeout: 15_000 }).toBe(true);
    const shown = (await dkim.locator('dd.font-mono').nth(2).innerText()).trim();
    // Act: copy the value.
    await dkim.getByRole('button', { name: 'Copy' }).nth(1).click();
    // Assess
    await expect.poll(clipboard).toBe(shown);
    expect(shown).toMatch(/^key1\.dkimroot\.purelymail\.com\.?$/);
    // The new domain is tracked at once: never checked, due in the next tier run.
    const rechecks = page.locator('div').filter({ has: page.getByText('Automatic rechecks', { exact: true }) }).last();
    await expect.poll(() => rechecks.getByText('Not checked yet').isVisible(), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => rechecks.getByText('Next check in the next run').isVisible()).toBe(true);
    await screen(page, 'domains-02-dns-detail', { grow: true });

    // The list shows the rechecks for every domain.
    await page.goto(`${server.url}/domains`);
    const row = page.locator('tr').filter({ has: page.getByRole('link', { name: NEW_DOMAIN }) });
    await expect.poll(() => row.getByText('Not checked yet').isVisible(), { timeout: 10_000 }).toBe(true);
    await screen(page, 'domains-03-list', { grow: true });
  });

  it('creates a rule by picking a user from the autocomplete, then refuses a colliding one and names the rule', async () => {
    // Prepare
    sandbox().clearRequests();
    await page.goto(`${server.url}/routing`);
    await page.getByRole('button', { name: 'New rule' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'New routing rule' });
    await dialog.getByLabel(/^Domain/).selectOption('northwind.example');
    await dialog.getByLabel(/^Address/).fill('hello');
    // Act: type part of a user and pick it from the list.
    const deliverTo = dialog.getByRole('combobox', { name: /Deliver to/ });
    await deliverTo.pressSequentially('grac');
    const option = dialog.getByRole('option', { name: 'grace@northwind.example' });
    await expect.poll(() => option.isVisible()).toBe(true);
    await screen(page, 'routing-01-autocomplete');
    await option.click();
    // Assess: a chip marked as a user of this account.
    await expect.poll(() => dialog.getByTitle('A user on this account').getByText('grace@northwind.example').isVisible()).toBe(true);
    await dialog.getByRole('button', { name: 'Create rule' }).click();
    await seeText(page, /Rule created: hello@northwind\.example/);
    const created = sandbox().requests().filter((r) => r.op === 'createRoutingRule');
    expect(created.map((r) => r.body)).toEqual([{ domainName: 'northwind.example', prefix: false, matchUser: 'hello', targetAddresses: ['grace@northwind.example'], catchall: false }]);

    // Act: the same address again, to someone else.
    await page.getByRole('button', { name: 'New rule' }).first().click();
    await dialog.getByLabel(/^Domain/).selectOption('northwind.example');
    await dialog.getByLabel(/^Address/).fill('hello');
    await deliverTo.fill('ops@example.net');
    await deliverTo.press('Enter');
    await dialog.getByRole('button', { name: 'Create rule' }).click();
    // Assess: refused before PurelyMail, naming the rule it collides with.
    const refusal = dialog.getByRole('alert').filter({ hasText: 'This rule collides with an existing one' });
    await expect.poll(() => refusal.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await refusal.innerText()).toContain('the existing rule hello@northwind.example → grace@northwind.example');
    expect(sandbox().requests().filter((r) => r.op === 'createRoutingRule')).toHaveLength(1);
    await screen(page, 'routing-02-conflict');
    // The two refusals (ownership, collision) are 409 answers the browser logs; nothing else may appear.
    expect(errors.filter((e) => !e.includes('status of 409 (Conflict)'))).toEqual([]);
    expect(errors).toHaveLength(2);
  });
});
