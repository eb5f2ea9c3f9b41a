import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, watchErrors } from './support/browser.ts';
import { startLocalServer } from './support/local-server.ts';
import { OWNER_EMAIL, screen, seeText, setupOwner } from './support/setup-owner.ts';

const DOOMED = 'farid@northwind.example';
const OPS = 'ops@example.net';

/** One .eml from the local outbox: headers unfolded, bodies with quoted-printable soft breaks and escapes undone. */
interface Eml {
  file: string;
  to: string;
  subject: string;
  body: string;
}

function readOutbox(dir: string): Eml[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.eml'));
  } catch {
    return [];
  }
  return files.map((file) => {
    const raw = readFileSync(join(dir, file), 'utf8');
    const split = raw.indexOf('\r\n\r\n');
    const headers = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
    const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'mi').exec(headers)?.[1]?.trim() ?? '';
    const body = raw
      .slice(split)
      .replace(/=\r\n/g, '')
      .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    return { file, to: header('To'), subject: header('Subject'), body };
  });
}

// Issue 4's notifications as a person meets them: Settings → Notifications (where the local emails go,
// an extra recipient, a test email), then a deletion request that lands in the outbox for every recipient.
describe('notifications in a browser', () => {
  let server: Awaited<ReturnType<typeof startLocalServer>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  const outbox = () => readOutbox(join(server.dataDir, 'outbox'));

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

  it('Settings → Notifications says where the .eml files go, saves an extra recipient and sends a test email', async () => {
    // Prepare
    await page.goto(`${server.url}/settings#notifications`);
    const section = page.locator('section#notifications');
    await expect.poll(() => section.getByTestId('outbox-note').isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await section.getByTestId('outbox-note').innerText()).toContain(join(server.dataDir, 'outbox'));
    // Act: add an extra recipient and save.
    const chips = section.getByRole('combobox', { name: /Extra recipients/ });
    await chips.fill(OPS);
    await chips.press('Enter');
    await section.getByRole('button', { name: 'Save notification settings' }).click();
    await seeText(page, 'Notification settings saved');
    // Act: send a test email.
    await section.getByRole('button', { name: 'Send test email' }).click();
    // Assess: a toast names the recipients and the folder; one .eml each.
    await seeText(page, `Test email sent to ${OWNER_EMAIL}, ${OPS}`);
    await seeText(page, `Saved as .eml files in ${join(server.dataDir, 'outbox')}.`);
    const tests = outbox().filter((m) => m.subject === 'PurelyManage test email');
    expect(tests.map((m) => m.to).sort()).toEqual([OWNER_EMAIL, OPS]);
    await section.scrollIntoViewIfNeeded();
    await screen(page, 'notifications-01-settings');
  });

  it('a deletion requested in the UI mails every recipient, with the address and a link to /pending', async () => {
    // Prepare
    await page.goto(`${server.url}/users`);
    const row = page.locator('tr').filter({ has: page.getByTitle(`Open ${DOOMED}`) });
    // Act
    await row.getByRole('button', { name: `Delete ${DOOMED}` }).click();
    await page.getByRole('dialog', { name: `Delete ${DOOMED}?` }).getByRole('button', { name: 'Schedule deletion' }).click();
    await seeText(page, `${DOOMED} will be deleted`);
    // Assess: one email per recipient in the local outbox.
    const scheduled = () => outbox().filter((m) => m.subject === `Deletion scheduled: Delete user ${DOOMED}`);
    await expect.poll(() => scheduled().length, { timeout: 10_000 }).toBe(2);
    expect(scheduled().map((m) => m.to).sort()).toEqual([OWNER_EMAIL, OPS]);
    for (const mail of scheduled()) {
      expect(mail.body).toContain(DOOMED);
      expect(mail.body).toContain(`Requested by: ${OWNER_EMAIL}`);
      expect(mail.body).toContain(`${server.url}/pending`);
      expect(mail.body).toContain(`href="${server.url}/pending"`);
    }
    // Requesting it again (the row's action is gone, so through the API, as a double-click would) adds nothing.
    const again = await page.evaluate(
      async (address) => (await fetch(`/api/users/${encodeURIComponent(address)}`, { method: 'DELETE', headers: { 'x-purelymanage-csrf': '1' } })).status,
      DOOMED,
    );
    expect(again).toBeLessThan(300);
    expect(scheduled()).toHaveLength(2);

    // The Pending page the link points to lists it, cancellable.
    await page.goto(`${server.url}/pending`);
    await seeText(page, `Delete user ${DOOMED}`);
    await screen(page, 'notifications-02-pending');
    expect(errors).toEqual([]);
  });
});
