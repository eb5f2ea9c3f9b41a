import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSRF_HEADER } from '../../shared/src/index.ts';
import { launchChromium, watchErrors } from './support/browser.ts';
import { startLocalServer } from './support/local-server.ts';
import { screen, setupOwner } from './support/setup-owner.ts';
import { api } from './support/page-api.ts';

// Issue 17: what a newcomer tripped over in the SPA, each checked as a person meets it.
describe('issue 17 in a browser', () => {
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

  it('item 4: a new recovery method does not reset 2FA unless ticked, with a warning for a user whose 2FA is required', async () => {
    // Prepare: bob's 2FA is required in the seed.
    const address = 'bob@northwind.example';
    expect(sandbox().state.users[address]!.requireTwoFactorAuthentication).toBe(true);
    await page.goto(`${server.url}/users`);
    await page.getByTitle(`Open ${address}`).click();
    const drawer = page.getByRole('dialog', { name: address });
    await drawer.getByRole('button', { name: 'Add recovery method' }).click();
    const tick = drawer.getByLabel('Also allows resetting 2FA');
    const warning = drawer.getByRole('status').filter({ hasText: `2FA is required for ${address}` });
    // Assess: off by default, no warning.
    expect(await tick.isChecked()).toBe(false);
    expect(await warning.count()).toBe(0);
    // Act: tick it.
    await tick.check();
    // Assess: the warning says what it undoes.
    await expect.poll(() => warning.isVisible()).toBe(true);
    expect(await warning.innerText()).toContain('turn 2FA off');
    await screen(page, 'issue17-04-mfa-reset-warning');
    // Act: untick and add: PurelyMail is told explicitly not to allow a 2FA reset.
    await tick.uncheck();
    expect(await warning.count()).toBe(0);
    await drawer.getByLabel('Email address').fill('bob.home@example.net');
    await drawer.getByRole('button', { name: 'Add method' }).click();
    await expect.poll(() => sandbox().state.users[address]!.resetMethods.find((m) => m.target === 'bob.home@example.net')?.allowMfaReset).toBe(false);
    await drawer.getByRole('button', { name: 'Close' }).click();
  });

  it('item 6: a PurelyMail campaign destination domain is chosen from the account’s domains', async () => {
    // Prepare
    await api(page, 'POST', '/api/migrations/servers', { name: 'Old Co mail', host: 'mail.old.example', port: 993, tls: 'ssl' });
    await page.goto(`${server.url}/migrations/campaigns/new`);
    const domain = page.getByLabel(/^Destination domain/);
    await domain.waitFor({ timeout: 10_000 });
    // Assess: a select of the account's domains (plus keeping the old domain), not free text.
    expect(await domain.evaluate((el) => el.tagName)).toBe('SELECT');
    const options = await domain.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(options).toEqual(['', ...Object.keys(sandbox().state.domains).sort()]);
    await domain.selectOption('northwind.example');
    await screen(page, 'issue17-06-campaign-domain-select');
    // Act: another destination server takes any domain, typed.
    await page.getByLabel(/The destination is PurelyMail/).uncheck();
    // Assess
    expect(await page.getByLabel(/^Destination domain/).evaluate((el) => el.tagName)).toBe('INPUT');
  });

  it('item 8: panel settings save with one button, the 2FA policy apart; a fixed value loses its error at once', async () => {
    // Prepare
    await page.goto(`${server.url}/settings`);
    const panel = page.locator('section#panel');
    const amber = panel.getByLabel('Amber below ($)');
    const red = panel.getByLabel('Red below ($)');
    await amber.waitFor({ timeout: 10_000 });
    // Assess: the instant switch is in its own section, not beside the Save button.
    expect(await panel.getByRole('switch').count()).toBe(0);
    expect(await page.locator('section#admin-2fa').getByRole('switch', { name: 'Require two-factor authentication for every admin' }).count()).toBe(1);
    // Act: red above amber, then Save.
    await amber.fill('5');
    await red.fill('8');
    await panel.getByRole('button', { name: 'Save settings' }).click();
    const error = panel.getByText('should be lower than the amber threshold');
    await expect.poll(() => error.count()).toBe(1);
    await screen(page, 'issue17-08-settings-error');
    // Act: fix it (no Save yet).
    await amber.fill('10');
    // Assess: the error is gone as soon as the values are valid, and Save is there to use.
    await expect.poll(() => error.count()).toBe(0);
    expect(await red.getAttribute('aria-invalid')).toBeNull();
    const save = panel.getByRole('button', { name: 'Save settings' });
    expect(await save.isEnabled()).toBe(true);
    // Act: a bad value, then back to the saved one.
    await amber.fill('abc');
    await save.click();
    await expect.poll(() => amber.getAttribute('aria-invalid')).toBe('true');
    await amber.fill('10');
    await expect.poll(() => amber.getAttribute('aria-invalid')).toBeNull();
    await save.click();
    await expect.poll(() => page.getByText('Settings saved').count()).toBeGreaterThan(0);
  });

  it('item 9: after "Re-check DNS now", the single DKIM verdict is explained and the check time shown', async () => {
    // Prepare: key 2 of a healthy domain now points elsewhere.
    const domain = 'bluefern.example';
    const zone = sandbox().state.dns[domain]!.map((r) => (r.name.startsWith('purelymail2._domainkey.') ? { ...r, value: 'key9.elsewhere.example' } : r));
    sandbox().dns.replaceZone(domain, zone);
    await page.goto(`${server.url}/domains/${domain}`);
    const rechecks = page.locator('div').filter({ has: page.getByText('Automatic rechecks', { exact: true }) }).last();
    await page.getByRole('button', { name: 'Re-check DNS now' }).waitFor({ timeout: 10_000 });
    // Act
    await page.getByRole('button', { name: 'Re-check DNS now' }).click();
    // Assess: the note explains the one verdict and says which key to fix, not "re-check".
    const note = page.getByRole('status').filter({ hasText: 'PurelyMail gives one DKIM verdict for all three keys' });
    await expect.poll(() => note.isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await note.innerText()).toContain('so it fails key 1 and key 3 too while key 2 is not published correctly. Fix key 2, then re-check.');
    expect(await page.getByText('Use “Re-check DNS now”').count()).toBe(0);
    // The check time is shown, not "never".
    await expect.poll(() => rechecks.innerText()).toMatch(/Last checked (just now|\d+ seconds? ago)/);
    expect(await rechecks.innerText()).not.toContain('never');
    expect(await page.getByText('one verdict for all three keys').count()).toBe(3);
    await screen(page, 'issue17-09-dkim-one-verdict', { grow: true });
    // After a reload too: the server kept the time with the domain's DNS health.
    await page.reload();
    await expect.poll(() => rechecks.innerText(), { timeout: 10_000 }).toMatch(/Last checked (just now|\d+ seconds? ago) \(re-checked by hand\)/);
  });

  it('item 12 (and 16’s badge): app-styled email errors, each once, cleared with the chip, no preview of an invalid address', async () => {
    // Prepare: a new rule with a bad address part and an invalid chip.
    await page.goto(`${server.url}/routing`);
    await page.getByRole('button', { name: /New rule/ }).first().click();
    const dialog = page.getByRole('dialog', { name: 'New routing rule' });
    await dialog.getByLabel('Domain').selectOption('northwind.example');
    await dialog.getByPlaceholder('info', { exact: true }).fill('in fo');
    const chipInput = dialog.locator('input[id$=targetAddresses]');
    for (const a of ['x@', 'ext@other.example', 'sales@northwind.example']) {
      await chipInput.fill(a);
      await chipInput.press('Enter');
    }
    // Assess: the preview shows no invalid address, before or after Create.
    const preview = dialog.locator('p').filter({ hasText: '→' });
    expect(await preview.innerText()).toBe('an address at northwind.example → ext@other.example, sales@northwind.example');
    // An address at the account's own domain is not "external"; one elsewhere is.
    const chip = (a: string) => dialog.locator('li').filter({ hasText: a });
    expect(await chip('sales@northwind.example').innerText()).not.toMatch(/external/i);
    expect(await chip('ext@other.example').innerText()).toMatch(/external/i);
    // Act
    await dialog.getByRole('button', { name: 'Create rule' }).click();
    // Assess: each error once, in the panel's words, next to its field; the chip is marked but not worded again.
    const chipError = dialog.getByText('x@ is not an email address like alice@example.com');
    await expect.poll(() => chipError.count()).toBe(1);
    expect(await dialog.getByText(/invalid/i).count()).toBe(0);
    expect(await dialog.getByText('must be the part before the @ only, without spaces').count()).toBe(1);
    expect(await dialog.locator('form').evaluate((f) => (f as HTMLFormElement).noValidate)).toBe(true);
    await screen(page, 'issue17-12-rule-errors');
    // Act: remove the invalid chip, fix the address part.
    await dialog.getByRole('button', { name: 'Remove x@' }).click();
    await dialog.getByPlaceholder('info', { exact: true }).fill('info2');
    // Assess: both errors are gone before any new submit.
    await expect.poll(() => chipError.count()).toBe(0);
    expect(await dialog.getByText('must be the part before the @ only').count()).toBe(0);
    await page.keyboard.press('Escape');

    // The new-user dialog previews no address for an invalid user name, and checks the recovery email itself.
    await page.goto(`${server.url}/users`);
    await page.getByRole('button', { name: 'New user' }).click();
    const create = page.getByRole('dialog', { name: 'New user' });
    await create.getByLabel('User name').fill('a b!');
    expect(await create.getByText('Will create').count()).toBe(0);
    await create.getByLabel(/Recovery email/).fill('nope@');
    await create.getByRole('button', { name: 'Create user' }).click();
    await expect.poll(() => create.getByText('is not an email address like alice@example.com').count()).toBe(1);
    await create.getByLabel(/Recovery email/).fill('nope@example.net');
    await expect.poll(() => create.getByText('is not an email address like alice@example.com').count()).toBe(0);
    await create.getByLabel('User name').fill('ab');
    await expect.poll(() => create.getByText('Will create').innerText()).toContain('ab@');
    await screen(page, 'issue17-12-new-user');
    await page.keyboard.press('Escape');
  });

  it('item 15: no page has a duplicate element id, and "Runs at once" has its name', async () => {
    const pages = ['/', '/users', '/domains', '/domains/northwind.example', '/routing', '/migrations', '/migrations?tab=batches', '/migrations?tab=servers', '/migrations?tab=campaigns', '/migrations?tab=settings', '/migrations/import', '/migrations/jobs/new', '/migrations/campaigns/new', '/pending', '/audit', '/settings'];
    const found: string[] = [];
    for (const p of pages) {
      await page.goto(`${server.url}${p}`);
      await page.waitForLoadState('networkidle');
      const dupes = await page.evaluate(() => {
        const seen = new Map<string, number>();
        for (const el of document.querySelectorAll('[id]')) seen.set(el.id, (seen.get(el.id) ?? 0) + 1);
        return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
      });
      if (dupes.length) found.push(`${p}: ${dupes.join(', ')}`);
    }
    expect(found).toEqual([]);
    await page.goto(`${server.url}/migrations?tab=settings`);
    const runs = page.getByRole('textbox', { name: 'Runs at once' });
    await expect.poll(() => runs.count(), { timeout: 10_000 }).toBe(1);
  });

  it('item 16: plain copy, a way back to Migrations, and a punycode hint for an international domain', async () => {
    // A way back from Import CSV and New campaign.
    for (const [path, tab] of [['/migrations/import', 'batches'], ['/migrations/campaigns/new', 'campaigns']] as const) {
      await page.goto(`${server.url}${path}`);
      const back = page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Migrations' });
      await back.waitFor({ timeout: 10_000 });
      await back.click();
      await page.waitForURL(`${server.url}/migrations?tab=${tab}`);
    }
    // An international domain: the hint gives the xn-- form, and the ownership record is shown for it.
    await page.goto(`${server.url}/domains`);
    await page.getByRole('button', { name: 'Add domain' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Add a domain' });
    await dialog.getByLabel('Domain name').fill('café.example');
    await expect.poll(() => dialog.getByText(/it is added as xn--caf-dma\.example/).isVisible()).toBe(true);
    await screen(page, 'issue17-16-punycode-hint');
    await page.keyboard.press('Escape');
  });

  it('item 11: the audit log picks actions by name, expands rows, shows the IP at 1366 px and says when a search is too long', async () => {
    // Prepare: a failed entry with a long reason (an admin email that is taken), at a laptop's width.
    // (Through Playwright's request, not the page, so the refusal is no console error.)
    const refused = await page.request.post(`${server.url}/api/admins`, {
      data: { email: 'olive@example.com', name: 'Olive again', password: 'another long passphrase 2026' },
      headers: { origin: server.url, [CSRF_HEADER]: '1' },
    });
    expect(refused.status()).toBeGreaterThanOrEqual(400);
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.goto(`${server.url}/audit`);
    const table = page.getByRole('table');
    await table.locator('tbody tr').first().waitFor({ timeout: 10_000 });
    // Assess: the IP column is on screen without scrolling the table sideways.
    const ipHeader = table.getByRole('columnheader', { name: 'IP address' });
    const box = (await ipHeader.boundingBox())!;
    const region = (await page.getByRole('region', { name: 'Audit entries' }).boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(region.x + region.width + 1);
    // Act: pick an action by its words.
    const picker = page.getByLabel('Action', { exact: true });
    expect(await picker.evaluate((el) => el.tagName)).toBe('SELECT');
    await picker.selectOption('admin.create');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/action=admin\.create/);
    // Assess: only that action, named in words; the row expands to the full target and error.
    await expect.poll(() => table.locator('tbody tr').first().innerText()).toContain('Admin added');
    const expand = table.getByRole('button', { name: /^Details of Admin added/ }).first();
    expect(await expand.getAttribute('aria-expanded')).toBe('false');
    await expand.click();
    expect(await expand.getAttribute('aria-expanded')).toBe('true');
    const detail = page.getByTestId('audit-detail').first();
    await detail.waitFor();
    expect(await detail.innerText()).toMatch(/Error\s+\S+/);
    await screen(page, 'issue17-11-audit-1366');
    // Act: an over-long search.
    await page.getByLabel('Search').fill('x'.repeat(250));
    await page.getByRole('button', { name: 'Apply filters' }).click();
    // Assess: a plain message next to the field, nothing asked of the server.
    await expect.poll(() => page.getByText('is too long: 250 characters, 200 at most').isVisible()).toBe(true);
    expect(page.url()).not.toContain('q=');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('raised no page errors', () => {
    expect(errors).toEqual([]);
  });
});
