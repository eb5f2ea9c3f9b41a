import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeFindings, horizontalOverflow, seriousViolations } from './support/axe.ts';
import { launchChromium, watchErrors } from './support/browser.ts';
import { startLocalServer } from './support/local-server.ts';
import { OWNER_PASSWORD as PASSWORD, screen, setupOwner } from './support/setup-owner.ts';

// Issue 15 (roles) in the browser: what a viewer and an admin cannot do is shown disabled with the reason, a
// viewer sees a read-only banner, and an owner changes roles from the admins table. The server enforces the
// same rules (functions/test/core/role-matrix.test.ts); here: what people see.
describe('roles in the browser', () => {
  let server: Awaited<ReturnType<typeof startLocalServer>>;
  let browser: Browser;
  beforeAll(async () => {
    server = await startLocalServer();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const signIn = async (email: string, viewport = { width: 1280, height: 860 }) => {
    const ctx = await browser.newContext({ viewport });
    const page = await ctx.newPage();
    await page.goto(`${server.url}/login`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel(/^Password/).fill(PASSWORD);
    await page.getByRole('button', { name: /sign in/i }).click();
    await page.waitForURL(`${server.url}/`);
    return page;
  };
  /** The reason a disabled control gives (its tooltip), found by the button's name. */
  const reasonOf = async (page: Page, name: RegExp) => {
    const button = page.getByRole('button', { name }).first();
    await button.waitFor({ timeout: 10_000 });
    expect(await button.isDisabled()).toBe(true);
    return button.getAttribute('title');
  };

  it('the owner adds an admin and a viewer and changes a role from the admins table', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    await setupOwner(page, server);
    await page.goto(`${server.url}/settings`);
    for (const [email, name, role] of [['amy@example.com', 'Amy Admin', 'Admin'], ['val@example.com', 'Val Viewer', 'Viewer (read-only)']] as const) {
      await page.getByRole('button', { name: 'Add admin' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Name').fill(name);
      await dialog.getByLabel('Email').fill(email);
      await dialog.getByLabel(/^Password/).fill(PASSWORD);
      await dialog.getByLabel('Role').selectOption({ label: role });
      await dialog.getByRole('button', { name: 'Add admin' }).click();
      await page.getByRole('row').filter({ hasText: email }).waitFor();
    }
    // Promote Val to admin and back to viewer with the role menu.
    const valRole = page.getByLabel('Role of Val Viewer');
    await valRole.selectOption('admin');
    await page.getByText('Val Viewer is now admin').waitFor();
    await valRole.selectOption('viewer');
    await page.getByText('Val Viewer is now viewer').waitFor();
    // Issue 17 item 7: one's own Remove is refused up front, with the reason in the row (not only a tooltip)
    // and as the button's description, so no re-auth prompt is ever shown for it.
    const myRow = page.getByRole('row').filter({ hasText: 'olive@example.com' });
    await expect.poll(() => myRow.getByText('To remove yourself or change your own role, ask another owner.').isVisible()).toBe(true);
    const myRemove = myRow.getByRole('button', { name: /^Remove / });
    expect(await myRemove.isDisabled()).toBe(true);
    expect(await myRemove.getAttribute('title')).toBe('You cannot remove yourself. Ask another owner.');
    expect(await myRemove.evaluate((b) => document.getElementById(b.getAttribute('aria-describedby') ?? '')?.textContent)).toBe(
      'To remove yourself or change your own role, ask another owner.',
    );
    await myRemove.click({ force: true });
    expect(await page.getByRole('dialog').count()).toBe(0);
    await page.getByTestId('role-legend').scrollIntoViewIfNeeded();
    await screen(page, 'roles-01-owner-admins', { grow: true });
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('a viewer sees the read-only banner and every change control disabled with the reason, on desktop and on a phone', async () => {
    for (const viewport of [{ width: 1280, height: 860 }, { width: 375, height: 760 }]) {
      const page = await signIn('val@example.com', viewport);
      const errors = watchErrors(page);
      const suffix = viewport.width < 400 ? '-phone' : '';
      await page.getByTestId('read-only-banner').waitFor();
      expect(await page.getByTestId('read-only-banner').textContent()).toMatch(/Read-only: your role is viewer/);

      await page.goto(`${server.url}/users`);
      expect(await reasonOf(page, /new user/i)).toBe('Viewers can look but not change anything.');
      await screen(page, `roles-02-viewer-users${suffix}`);

      await page.goto(`${server.url}/routing`);
      expect(await reasonOf(page, /new rule/i)).toBe('Viewers can look but not change anything.');

      await page.goto(`${server.url}/settings`);
      expect(await reasonOf(page, /add admin/i)).toBe('Viewers can look but not change anything.');
      await expect.poll(() => page.getByLabel('Deletion delay (hours)').isDisabled()).toBe(true);
      // Their own password and sign-out stay theirs.
      expect(await page.getByRole('button', { name: 'Change password' }).isDisabled()).toBe(false);
      await screen(page, `roles-03-viewer-settings${suffix}`, { grow: true });
      const findings = await seriousViolations(page);
      expect(findings, describeFindings(`viewer settings ${viewport.width}px`, findings)).toEqual([]);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      expect(errors).toEqual([]);
      await page.context().close();
    }
  });

  it("an admin sees the owner's controls disabled with the reason, and can still do day-to-day work", async () => {
    const page = await signIn('amy@example.com');
    const errors = watchErrors(page);
    await page.goto(`${server.url}/settings`);
    expect(await reasonOf(page, /add admin/i)).toBe('Only an owner can add, remove, promote or demote admins.');
    await expect.poll(() => page.getByLabel('Deletion delay (hours)').isDisabled()).toBe(true);
    await page.getByText('Only an owner can change the deletion delay and the 2FA requirement.').first().waitFor();
    expect(await page.getByRole('switch', { name: /require two-factor/i }).isDisabled()).toBe(true);
    await page.getByText('Only an owner can change who receives notifications.').waitFor();
    // Another admin's session cannot be ended here; one's own can.
    expect(await page.getByRole('button', { name: /revoke: .*olive owner/i }).first().isDisabled()).toBe(true);
    await screen(page, 'roles-04-admin-settings', { grow: true });
    // Day-to-day: the credit thresholds can be saved.
    await page.getByLabel('Amber below ($)').fill('9');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Settings saved').first().waitFor();
    await page.goto(`${server.url}/users`);
    await expect.poll(() => page.getByRole('button', { name: /new user/i }).isEnabled(), { timeout: 10_000 }).toBe(true);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('the audit page says what is counted instead of listed, and for how long entries are kept', async () => {
    const anon = await browser.newContext();
    const p = await anon.newPage();
    await p.goto(`${server.url}/login`);
    for (let i = 0; i < 3; i++) {
      await p.getByLabel('Email').fill(`nobody${i}@example.com`);
      await p.getByLabel(/^Password/).fill('not the password at all');
      await p.getByRole('button', { name: /sign in/i }).click();
      await p.getByText(/Email or password is wrong/).waitFor();
    }
    await anon.close();
    const page = await signIn('amy@example.com');
    await page.goto(`${server.url}/audit`);
    const box = page.getByTestId('public-requests');
    await box.getByText(/anonymous requests in the last 7 days/).waitFor();
    await box.locator('summary').click();
    await box.getByText('kept for 400 days').waitFor();
    expect(await box.getByRole('row').filter({ hasText: 'Sign-ins' }).filter({ hasText: 'refused, HTTP 401' }).textContent()).toMatch(/3$/);
    await screen(page, 'roles-05-audit-counted', { grow: true });
    await page.context().close();
  });
});
