import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeFindings, seriousViolations } from './support/axe.ts';
import { launchChromium, watchErrors } from './support/browser.ts';
import { screen } from './support/setup-owner.ts';
import { startLocalServer } from './support/local-server.ts';
import { setupOwner } from './support/setup-owner.ts';
import { api } from './support/page-api.ts';

const REPO = resolve(import.meta.dirname, '../..');
const STAND_IN = resolve(REPO, 'migrator-container/test/stand-in/imapsync');
const STAND_IN_ENV = { IMAPSYNC_STANDIN_FIXTURE: '01-success', IMAPSYNC_STANDIN_SPEED: '0' };
const USER = 'alice@northwind.example';
/** The public campaign form, once the campaigns module has landed its route. */
const CAMPAIGN_ROUTE = ['web/src/routes/c', 'web/src/routes/(public)/c'].some((p) => existsSync(resolve(REPO, p)));

const VIEWPORTS = [
  { name: 'desktop', width: 1280, height: 900 },
  { name: 'phone', width: 375, height: 812 },
] as const;

/** Every page is checked in both themes (issue 17): the system's light and dark preference. */
const THEMES = ['light', 'dark'] as const;

const visible = (page: Page, locator: ReturnType<Page['locator']>, timeout = 15_000) => locator.first().waitFor({ state: 'visible', timeout });

/** Runs axe and the phone-width overflow check; returns one line per problem. */
async function audit(page: Page, where: string, width: number): Promise<string[]> {
  const problems: string[] = [];
  const findings = await seriousViolations(page);
  if (findings.length) problems.push(describeFindings(where, findings));
  if (width <= 375) {
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    if (scrollWidth > width) problems.push(`${where}: scrolls sideways at ${width} px (document is ${scrollWidth} px wide)`);
  }
  return problems;
}

// Issue 8: axe-core (serious and critical rules) on every page and dialog of the admin UI, at desktop and
// phone width, plus "nothing scrolls sideways on a 375 px phone".
describe('accessibility of every page', () => {
  let server: Awaited<ReturnType<typeof startLocalServer>>;
  let browser: Browser;
  let jobId: string;
  const saved: Record<string, string | undefined> = {};

  beforeAll(async () => {
    for (const [k, v] of Object.entries(STAND_IN_ENV)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    server = await startLocalServer({ IMAPSYNC_COMMAND: STAND_IN, MIGRATION_HEARTBEAT_SECONDS: '1' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('the setup, sign-in (and public campaign) pages have no serious violations at either width', async () => {
    const problems: string[] = [];
    for (const [colorScheme, vp] of THEMES.flatMap((t) => VIEWPORTS.map((v) => [t, v] as const))) {
      const ctx = await browser.newContext({ colorScheme, viewport: { width: vp.width, height: vp.height } });
      const page = await ctx.newPage();
      const where = (name: string) => `${name} (${vp.name}, ${colorScheme})`;
      await page.goto(server.setupUrl!);
      await visible(page, page.getByLabel('Name'));
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(colorScheme);
      problems.push(...(await audit(page, where('setup'), vp.width)));
      await screen(page, `a11y-setup-${vp.name}-${colorScheme}`);
      await page.goto(`${server.url}/login`);
      await visible(page, page.getByLabel('Email'));
      problems.push(...(await audit(page, where('login'), vp.width)));
      // The refusal state too: a wrong password shows an alert next to the form.
      await page.getByLabel('Email').fill('nobody@example.com');
      await page.getByLabel(/^Password/).fill('not the right passphrase at all');
      await page.getByRole('button', { name: /sign in/i }).click();
      await visible(page, page.getByRole('alert'));
      problems.push(...(await audit(page, where('login refused'), vp.width)));
      await screen(page, `a11y-login-refused-${vp.name}-${colorScheme}`);
      if (CAMPAIGN_ROUTE) {
        // The public campaign form (an unknown token shows its "link not valid" state).
        await page.goto(`${server.url}/c/#t=${'A'.repeat(43)}`);
        await visible(page, page.locator('h1'));
        await page.waitForLoadState('networkidle');
        problems.push(...(await audit(page, where('campaign form'), vp.width)));
        await screen(page, `a11y-campaign-form-${vp.name}-${colorScheme}`);
      }
      await ctx.close();
    }
    expect(problems.join('\n'), problems.join('\n')).toBe('');
  });

  it('every admin page, dialog and drawer has no serious violations and fits a 375 px phone', async () => {
    // Prepare: an owner, two IMAP servers, a finished job, a pending deletion, audit entries.
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    await setupOwner(page, server);
    const src = await api<{ id: string }>(page, 'POST', '/api/migrations/servers', { name: 'Old host', host: '127.0.0.1', port: 1143, tls: 'none', verifyCert: false, notes: 'The old provider.' });
    const dst = await api<{ id: string }>(page, 'POST', '/api/migrations/servers', { name: 'PurelyMail lab', host: '127.0.0.1', port: 2143, tls: 'none', verifyCert: false });
    const created = await api<{ job: { id: string }; runs: { id: string }[] }>(page, 'POST', '/api/migrations/jobs', {
      name: 'Alice to PurelyMail',
      source: { serverId: src.id, user: 'alice', password: 'source password 1' },
      dest: { serverId: dst.id, user: USER, password: 'destination password 2' },
      start: 'full',
    });
    jobId = created.job.id;
    await expect
      .poll(async () => (await api<{ state: string }>(page, 'GET', `/api/migrations/runs/${created.runs[0]!.id}`)).state, { timeout: 60_000 })
      .toBe('succeeded');
    await api(page, 'DELETE', `/api/users/${encodeURIComponent('bob@northwind.example')}`);
    // A batch (from a CSV import) and a campaign, so their pages have content to check.
    const csv = `source_email,source_password,dest_email,dest_password\r\ncarol@old.example,source password 3,${USER},destination password 4\r\n`;
    const imported = await api<{ batch: { id: string } }>(page, 'POST', '/api/migrations/import', { csv, sourceServerId: src.id, destServerId: dst.id, batchName: 'Old host move', mode: 'full', start: 'now' });
    const campaign = await api<{ campaign: { id: string } }>(page, 'POST', '/api/migrations/campaigns', { name: 'Old host campaign', requester: 'IT', sourceServerId: src.id, destServerId: dst.id, destDomain: 'northwind.example' });
    // A domain move from that batch (issue 19), so its page and the dashboard's "Moves in progress" have content.
    await api(page, 'POST', '/api/domains/northwind.example/move', { source: { kind: 'batch', batchId: imported.batch.id } });

    type Check = { name: string; path: string; ready: (p: Page) => Promise<void>; then?: (p: Page) => Promise<void> };
    const heading = (name: string | RegExp) => (p: Page) => visible(p, p.getByRole('heading', { name, level: 1 }));
    const checks: Check[] = [
      { name: 'dashboard', path: '/', ready: (p) => visible(p, p.getByRole('link', { name: /^Users/ })) },
      { name: 'users', path: '/users', ready: (p) => visible(p, p.getByTitle(`Open ${USER}`)) },
      {
        name: 'users: create dialog',
        path: '/users',
        ready: (p) => visible(p, p.getByTitle(`Open ${USER}`)),
        then: async (p) => {
          await p.getByRole('button', { name: 'New user' }).click();
          await visible(p, p.getByRole('dialog', { name: 'New user' }).getByLabel('User name'));
        },
      },
      {
        name: 'users: detail drawer',
        path: '/users',
        ready: (p) => visible(p, p.getByTitle(`Open ${USER}`)),
        then: async (p) => {
          await p.getByTitle(`Open ${USER}`).first().click();
          await visible(p, p.getByRole('dialog', { name: USER }).getByRole('switch').first());
        },
      },
      { name: 'domains', path: '/domains', ready: (p) => visible(p, p.getByText('northwind.example')) },
      {
        name: 'domains: add dialog',
        path: '/domains',
        ready: (p) => visible(p, p.getByText('northwind.example')),
        then: async (p) => {
          await p.getByRole('button', { name: 'Add domain' }).first().click();
          await visible(p, p.getByRole('dialog', { name: 'Add a domain' }).getByLabel('Domain name'));
        },
      },
      { name: 'domain detail', path: '/domains/northwind.example', ready: (p) => visible(p, p.getByRole('heading', { name: 'DKIM key 1' })) },
      { name: 'domain move', path: '/domains/northwind.example/move', ready: (p) => visible(p, p.getByTestId('bind-fragment')) },
      {
        name: 'domain move: cancel dialog',
        path: '/domains/northwind.example/move',
        ready: (p) => visible(p, p.getByTestId('move-stages')),
        then: async (p) => {
          await p.getByRole('button', { name: 'Cancel the move' }).click();
          await visible(p, p.getByRole('dialog', { name: 'Cancel the move of northwind.example?' }));
        },
      },
      { name: 'routing', path: '/routing', ready: (p) => visible(p, p.getByText('sales', { exact: false })) },
      {
        name: 'routing: rule dialog',
        path: '/routing',
        ready: (p) => visible(p, p.getByText('sales', { exact: false })),
        then: async (p) => {
          await p.getByRole('button', { name: 'New rule' }).first().click();
          await visible(p, p.getByRole('dialog'));
        },
      },
      { name: 'migrations: jobs', path: '/migrations', ready: (p) => visible(p, p.getByRole('link', { name: 'Alice to PurelyMail' })) },
      { name: 'migrations: servers', path: '/migrations?tab=servers', ready: (p) => visible(p, p.getByRole('listitem', { name: 'Old host' })) },
      {
        name: 'migrations: server dialog',
        path: '/migrations?tab=servers',
        ready: (p) => visible(p, p.getByRole('listitem', { name: 'Old host' })),
        then: async (p) => {
          await p.getByRole('button', { name: 'Add server' }).first().click();
          await visible(p, p.getByRole('dialog').getByLabel(/^Host/));
        },
      },
      { name: 'migrations: settings', path: '/migrations?tab=settings', ready: (p) => visible(p, p.getByRole('spinbutton').or(p.getByRole('textbox'))) },
      { name: 'migrations: new job', path: '/migrations/jobs/new', ready: (p) => visible(p, p.getByLabel(/^Name/)) },
      { name: 'migrations: job detail', path: `/migrations/jobs/${'JOB'}`, ready: (p) => visible(p, p.getByTestId('verdict')) },
      { name: 'migrations: import CSV', path: '/migrations/import', ready: heading('Import CSV') },
      { name: 'migrations: batch', path: `/migrations/batches/${imported.batch.id}`, ready: (p) => visible(p, p.getByText('Old host move')) },
      { name: 'migrations: new campaign', path: '/migrations/campaigns/new', ready: (p) => visible(p, p.locator('h1')) },
      { name: 'migrations: campaign', path: `/migrations/campaigns/${campaign.campaign.id}`, ready: (p) => visible(p, p.getByText('Old host campaign')) },
      { name: 'users: import CSV', path: '/users/import', ready: heading('Import users from CSV') },
      { name: 'pending', path: '/pending', ready: (p) => visible(p, p.getByText('bob@northwind.example')) },
      { name: 'audit', path: '/audit', ready: (p) => visible(p, p.getByText('Alice to PurelyMail')) },
      { name: 'settings', path: '/settings', ready: (p) => visible(p, p.locator('section#two-factor').getByRole('button', { name: /set up two-factor/i })) },
      {
        name: 'settings: 2FA set-up',
        path: '/settings#two-factor',
        ready: (p) => visible(p, p.locator('section#two-factor').getByRole('button', { name: /set up two-factor/i })),
        then: async (p) => {
          await p.locator('section#two-factor').getByRole('button', { name: /set up two-factor/i }).click();
          await visible(p, p.locator('section#two-factor').getByRole('img', { name: /QR code/i }));
        },
      },
      {
        name: 'settings: add admin dialog',
        path: '/settings#admins',
        ready: heading('Settings'),
        then: async (p) => {
          await p.locator('section#admins').getByRole('button', { name: /add admin/i }).click();
          await visible(p, p.getByRole('dialog'));
        },
      },
    ];

    const problems: string[] = [];
    for (const colorScheme of THEMES) {
      await page.emulateMedia({ colorScheme });
      for (const vp of VIEWPORTS) {
        await page.setViewportSize({ width: vp.width, height: vp.height });
        for (const check of checks) {
          await page.goto(`${server.url}${check.path.replace('JOB', jobId)}`);
          await check.ready(page);
          await check.then?.(page);
          expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(colorScheme);
          problems.push(...(await audit(page, `${check.name} (${vp.name}, ${colorScheme})`, vp.width)));
          await screen(page, `a11y-${check.name.replace(/[^a-z0-9]+/gi, '-')}-${vp.name}-${colorScheme}`, { grow: !check.then });
        }
        if (vp.width <= 375) {
          // The phone menu (a modal dialog holding the sidebar).
          await page.goto(`${server.url}/`);
          await page.getByRole('button', { name: 'Open menu' }).click();
          await visible(page, page.getByRole('dialog', { name: 'Menu' }).getByRole('link', { name: 'Users' }));
          problems.push(...(await audit(page, `phone menu (${vp.name}, ${colorScheme})`, vp.width)));
          await screen(page, `a11y-phone-menu-${colorScheme}`);
        }
      }
    }
    expect(problems.join('\n'), problems.join('\n')).toBe('');
    expect(errors).toEqual([]);
    await ctx.close();
  });
});
