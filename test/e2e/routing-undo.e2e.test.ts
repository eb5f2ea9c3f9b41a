import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, watchErrors } from './support/browser.ts';
import { startLocalServer } from './support/local-server.ts';
import { screen, seeText, setupOwner } from './support/setup-owner.ts';

// Issue 17 item 3: the rule dialog shows the route simulator's verdict before saving, and the admin who created
// a rule can undo it at once.
describe('a routing rule on a mailbox: warned before saving, undone at once', () => {
  let server: Awaited<ReturnType<typeof startLocalServer>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  const sandbox = () => server.sandbox!;

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

  it('says which mailbox stops receiving mail before the rule is saved, and that keeping the address avoids it', async () => {
    await page.goto(`${server.url}/routing`);
    await page.getByRole('button', { name: 'New rule' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'New routing rule' });
    await dialog.getByLabel(/^Domain/).selectOption('northwind.example');
    await dialog.getByLabel(/^Address/).fill('carmen');
    const deliverTo = dialog.getByRole('combobox', { name: /Deliver to/ });
    await deliverTo.fill('bob@northwind.example');
    await deliverTo.press('Enter');
    const warning = dialog.getByTestId('rule-verdict').getByRole('alert');
    await expect.poll(() => warning.isVisible().then((v) => v && warning.innerText()), { timeout: 10_000 }).toContain('carmen@northwind.example’s mailbox will stop receiving mail');
    expect(await warning.innerText()).toContain('To keep a copy there, add carmen@northwind.example to “Deliver to”.');
    // The simulator's steps are there for the curious.
    await dialog.getByText('How mail to carmen@northwind.example would go').click();
    await expect.poll(() => dialog.getByText(/takes the mail away from that mailbox/).isVisible()).toBe(true);
    await screen(page, 'routing-03-mailbox-warning');
    await page.setViewportSize({ width: 375, height: 800 });
    await dialog.getByTestId('rule-verdict').scrollIntoViewIfNeeded();
    await screen(page, 'routing-03-mailbox-warning-375');
    await page.setViewportSize({ width: 1280, height: 900 });

    // Keeping carmen among the targets: the warning goes.
    await deliverTo.fill('carmen@northwind.example');
    await deliverTo.press('Enter');
    await expect.poll(() => dialog.getByText('No mailbox loses mail.').isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await warning.count()).toBe(0);
    // Back to the warned rule; nothing was created while previewing.
    await dialog.getByRole('button', { name: /Remove carmen@northwind\.example/ }).click();
    await expect.poll(() => warning.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(sandbox().requests().filter((r) => r.op === 'createRoutingRule')).toEqual([]);
  });

  it('creates it anyway, then the creator undoes it at once: deleted at PurelyMail, the mailbox receives again', async () => {
    const dialog = page.getByRole('dialog', { name: 'New routing rule' });
    await dialog.getByRole('button', { name: 'Create rule' }).click();
    await seeText(page, /Rule created: carmen@northwind\.example/);
    const created = sandbox().state.rules.find((r) => r.matchUser === 'carmen')!;
    expect(created).toBeDefined();
    const undo = page.getByRole('button', { name: /Undo the rule for carmen@northwind\.example now/ });
    await expect.poll(() => undo.isVisible()).toBe(true);
    // Still offered after a reload (the server remembers who created it and when).
    await page.reload();
    await expect.poll(() => undo.isVisible(), { timeout: 10_000 }).toBe(true);
    await screen(page, 'routing-04-undo-offered');
    sandbox().clearRequests();
    await undo.click();
    await seeText(page, /Rule undone: carmen@northwind\.example → bob@northwind\.example/);
    expect(sandbox().requests().filter((r) => r.op === 'deleteRoutingRule').map((r) => r.body)).toEqual([{ routingRuleId: created.id }]);
    expect(sandbox().state.rules.some((r) => r.id === created.id)).toBe(false);
    await expect.poll(() => page.getByText('carmen@northwind.example', { exact: true }).count()).toBe(0);
    // Nothing waits in the pending queue; the audit log says it was undone.
    await page.goto(`${server.url}/audit`);
    await page.getByText('Routing rule undone (deleted at once by its creator)', { exact: true }).filter({ visible: true }).first().waitFor({ timeout: 10_000 });
    await screen(page, 'routing-05-undo-audited');
    expect(errors).toEqual([]);
  });
});
