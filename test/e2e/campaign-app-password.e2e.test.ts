import { resolve } from 'node:path';
import { CSRF_HEADER } from '@app/shared';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type Dovecot } from '../../functions/test/migrations/dovecot.ts';
import { launchChromium, shot, watchErrors } from './support/browser.ts';
import { startLocalServer } from './support/local-server.ts';
import { setupOwner } from './support/setup-owner.ts';

const STAND_IN = resolve(import.meta.dirname, '../../migrator-container/test/stand-in/imapsync');
const STAND_IN_ENV = { IMAPSYNC_STANDIN_FIXTURE: '01-success', IMAPSYNC_STANDIN_SPEED: '0' };
const GRACE_OLD = 'grace-old-mailbox-password-2026';
const DEST = 'grace@northwind.example';

async function apiCall<T>(page: Page, method: string, path: string, body?: unknown): Promise<T> {
  return page.evaluate(
    async ({ method, path, body, header }) => {
      const res = await fetch(path, { method, headers: { 'content-type': 'application/json', [header]: '1' }, body: body === undefined ? undefined : JSON.stringify(body) });
      return (await res.json()) as T;
    },
    { method, path, body, header: CSRF_HEADER },
  );
}

// Issue 18: the main friction of campaign review is gone. A person's existing PurelyMail mailbox is mapped, launched
// and migrated without anyone typing its password: the panel makes an app password for the job.
describe('campaign to an existing PurelyMail mailbox, no destination password typed', () => {
  let dovecot: Dovecot;
  let server: Awaited<ReturnType<typeof startLocalServer>>;
  let browser: Browser;
  let ctx: BrowserContext;
  let admin: Page;
  let errors: string[];
  const saved: Record<string, string | undefined> = {};

  beforeAll(async () => {
    for (const [k, v] of Object.entries(STAND_IN_ENV)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    dovecot = await startDovecot({ 'grace@old.example': GRACE_OLD });
    server = await startLocalServer({ IMAPSYNC_COMMAND: STAND_IN, MIGRATION_HEARTBEAT_SECONDS: '1', ...STAND_IN_ENV });
    browser = await launchChromium();
    ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    admin = await ctx.newPage();
    errors = watchErrors(admin);
    await setupOwner(admin, server);
    await apiCall(admin, 'POST', '/api/migrations/servers', { name: 'Old Co mail', host: '127.0.0.1', port: dovecot.port, tls: 'none', verifyCert: false });
    await apiCall(admin, 'POST', '/api/migrations/servers', { name: 'PurelyMail', host: '127.0.0.1', port: dovecot.port, tls: 'none' });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await dovecot?.stop();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('maps, launches and migrates with an app password the panel made, and the job page says so', async () => {
    await admin.goto(`${server.url}/migrations/campaigns/new`);
    await admin.getByLabel(/^Campaign name/).fill('Old Co to PurelyMail');
    await admin.getByLabel(/^Who is asking/).fill('The IT team at Old Co');
    await admin.getByLabel(/^Old mail server/).selectOption({ label: 'Old Co mail (127.0.0.1)' });
    await admin.getByLabel(/^Destination server/).selectOption({ label: 'PurelyMail (127.0.0.1)' });
    await admin.getByLabel(/^Destination domain/).selectOption('northwind.example');
    await admin.getByRole('button', { name: 'Create campaign' }).click();
    await admin.getByTestId('campaign-link').waitFor({ timeout: 10_000 });
    await admin.getByRole('link', { name: 'Open the campaign' }).click();

    // A row added by hand (checked with the old server like anyone's); its destination already exists at PurelyMail.
    await admin.locator('#add-name').fill('Grace', { timeout: 15_000 });
    await admin.locator('#add-source').fill('grace@old.example');
    await admin.locator('#add-password').fill(GRACE_OLD);
    await admin.getByRole('button', { name: 'Check and add' }).click();
    const row = admin.getByTestId('submission-row').filter({ hasText: 'grace@old.example' });
    await row.getByText('Signed in').waitFor({ timeout: 15_000 });
    expect(await row.getByLabel(/^Destination of grace@old.example/).inputValue()).toBe(DEST);
    // No password field for the existing mailbox: it is marked for an app password instead.
    await row.getByText('App password at launch').waitFor({ timeout: 10_000 });
    expect(await row.getByLabel(/^Password of the existing mailbox/).count()).toBe(0);
    await shot(admin, 'campaign-app-password-01-review');

    await admin.getByRole('button', { name: /Create jobs \(1\)/ }).click();
    const result = admin.getByTestId('launch-result');
    await result.getByText('Jobs created').waitFor({ timeout: 20_000 });
    expect(await result.getByTestId('generated-password').count()).toBe(0);
    const names = server.sandbox!.state.users[DEST]!.appPasswords.map((p) => p.name);
    expect(names).toEqual(['PurelyManage migration job Old Co to PurelyMail: grace@old.example']);

    const batchId = (await admin.getByTestId('batch-link').getAttribute('data-batch-id', { timeout: 10_000 }))!;
    await expect
      .poll(async () => (await apiCall<{ counts: { succeeded: number } }>(admin, 'GET', `/api/migrations/batches/${batchId}`)).counts.succeeded, { timeout: 60_000, interval: 1000 })
      .toBe(1);
    await admin.reload();
    await row.getByRole('link', { name: DEST }).click();
    const credential = admin.getByTestId('dest-credential');
    await credential.waitFor({ timeout: 10_000 });
    expect(await credential.innerText()).toBe(`Signs in with: app password “${names[0]}” created by the panel`);
    await admin.getByTestId('run-credential').first().waitFor();
    expect(await admin.getByTestId('run-credential').first().innerText()).toContain(`app password “${names[0]}”`);
    await shot(admin, 'campaign-app-password-02-job');
    expect(errors).toEqual([]);
  }, 180_000);
});
