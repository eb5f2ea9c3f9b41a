import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedState, SEED_DOMAINS } from '../../functions/src/local/purelymail-sandbox/sandbox-seed.ts';
import { saveStateFile } from '../../functions/src/local/purelymail-sandbox/state-file.ts';
import { launchChromium } from './support/browser.ts';
import { startLocalServer } from './support/local-server.ts';
import { setupOwner } from './support/setup-owner.ts';
import { pageFetch } from './support/page-api.ts';

// The two payloads of checklist BI-2. If either were ever parsed as HTML, `window.__xss` would be set
// (or, with the CSP holding, a securitypolicyviolation event would fire for the inline handler).
const IMG = '"><img src=x onerror=window.__xss=1>';
const SVG = '<svg onload=window.__xss=1>';

const REPO = resolve(import.meta.dirname, '../..');
const STAND_IN = resolve(REPO, 'migrator-container/test/stand-in/imapsync');
const FIXTURES = resolve(REPO, 'migrator-container/test/fixtures/imapsync');

// Mail-system data is attacker-controlled: PurelyMail's user names, domain names and routing rules come
// back from its API as they are (the sandbox's saved state is the "PurelyMail account" here).
const EVIL_USER = `${IMG}@${SEED_DOMAINS.healthy}`;
const EVIL_USER_2 = `${SVG}@${SEED_DOMAINS.healthy}`;
const EVIL_DOMAIN = `evil${SVG}.example`;
const EVIL_TARGET = `${SVG}@example.net`;
const SERVER_NAME = `Old host ${IMG}`;
const SERVER_NOTES = `Notes ${SVG} end`;
const JOB_NAME = `Job ${IMG}`;
const FOLDER_LINE = `Host1 folder [${IMG}] does not exist on host2, creating it`;
const LOG_LINE = `Err 1/1: ${SVG} could not append`;

/** A copy of a captured imapsync run with hostile lines (an IMAP folder name, an error) near its end. */
function hostileFixture(dir: string): void {
  const name = '01-success';
  const events = gunzipSync(readFileSync(join(FIXTURES, `${name}.events.jsonl.gz`)))
    .toString('utf8')
    .split('\n')
    .filter(Boolean);
  const at = events.length - 8;
  const t = (JSON.parse(events[at]!) as { t_ms: number }).t_ms;
  const extra = [FOLDER_LINE, LOG_LINE].map((line) => JSON.stringify({ t_ms: t, stream: 'stdout', line }));
  events.splice(at, 0, ...extra);
  writeFileSync(join(dir, 'xss.events.jsonl'), events.join('\n') + '\n');
  const meta = JSON.parse(readFileSync(join(FIXTURES, `${name}.meta.json`), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(dir, 'xss.meta.json'), JSON.stringify({ ...meta, name: 'xss' }));
  copyFileSync(join(FIXTURES, `${name}.exit`), join(dir, 'xss.exit'));
}

async function api<T>(page: Page, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const r = await pageFetch(page, method, path, body);
  return { status: r.status, body: (r.text ? JSON.parse(r.text) : undefined) as T };
}

// Checklist BI-2: hostile text from PurelyMail, from IMAP (folder names, imapsync output), from admins
// (server names, notes, job names, audit targets) and from an upstream error message, rendered on every
// page: nothing executes, the CSP reports nothing, and the text reads as text.
describe('stored and reflected XSS', () => {
  let server: Awaited<ReturnType<typeof startLocalServer>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let dataDir: string;
  let fixtureDir: string;
  let jobId: string;
  let evilRuleId: number;
  const saved: Record<string, string | undefined> = {};

  beforeAll(async () => {
    // The PurelyMail account (sandbox state) with hostile names, saved where the local runtime loads it.
    dataDir = mkdtempSync(join(tmpdir(), 'pm-xss-'));
    const state = seedState();
    const template = Object.values(state.users)[0]!;
    state.users[EVIL_USER] = structuredClone(template);
    state.users[EVIL_USER_2] = structuredClone(template);
    state.domains[EVIL_DOMAIN] = structuredClone(state.domains[SEED_DOMAINS.healthy]!);
    evilRuleId = state.nextRuleId;
    state.rules.push({ id: state.nextRuleId, domainName: SEED_DOMAINS.healthy, prefix: false, matchUser: 'evil', targetAddresses: [EVIL_TARGET, `alice@${SEED_DOMAINS.healthy}`], catchall: false });
    state.nextRuleId += 1;
    mkdirSync(dataDir, { recursive: true });
    saveStateFile(join(dataDir, 'sandbox-state.json'), state);

    fixtureDir = mkdtempSync(join(tmpdir(), 'pm-xss-fixture-'));
    hostileFixture(fixtureDir);
    const standIn = { IMAPSYNC_STANDIN_FIXTURE: 'xss', IMAPSYNC_STANDIN_DIR: fixtureDir, IMAPSYNC_STANDIN_SPEED: '0' };
    for (const [k, v] of Object.entries(standIn)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    server = await startLocalServer({ DATA_DIR: dataDir, IMAPSYNC_COMMAND: STAND_IN, MIGRATION_HEARTBEAT_SECONDS: '1' });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    // Record every CSP violation and page error from the first script on.
    await context.addInitScript(() => {
      const w = window as unknown as { __csp: string[] };
      w.__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample} at ${e.sourceFile}:${e.lineNumber}:${e.columnNumber}`));
    });
    page = await context.newPage();
    await setupOwner(page, server);

    // Admin-entered text: a server profile (name, notes), a job (name, IMAP user) and their audit entries.
    const src = await api<{ id: string }>(page, 'POST', '/api/migrations/servers', { name: SERVER_NAME, host: '127.0.0.1', port: 1143, tls: 'none', verifyCert: false, notes: SERVER_NOTES });
    const dst = await api<{ id: string }>(page, 'POST', '/api/migrations/servers', { name: 'PurelyMail lab', host: '127.0.0.1', port: 2143, tls: 'none', verifyCert: false });
    expect([src.status, dst.status]).toEqual([201, 201]);
    const job = await api<{ job: { id: string }; runs: { id: string }[] }>(page, 'POST', '/api/migrations/jobs', {
      name: JOB_NAME,
      source: { serverId: src.body.id, user: SVG, password: 'source password 1' },
      dest: { serverId: dst.body.id, user: 'alice@northwind.example', password: 'destination password 2' },
      start: 'full',
    });
    expect(job.status).toBe(201);
    jobId = job.body.job.id;
    const runId = job.body.runs[0]!.id;
    for (let i = 0; i < 120 && (await api<{ state: string }>(page, 'GET', `/api/migrations/runs/${runId}`)).body.state !== 'succeeded'; i++) await page.waitForTimeout(500);
    // The hostile routing rule scheduled for deletion: it lands on the pending page and in the audit log.
    // (Hostile user and domain names cannot be targeted: the API refuses them as addresses, with a 400.)
    expect((await api(page, 'DELETE', `/api/users/${encodeURIComponent(EVIL_USER)}`)).status).toBe(400);
    const del = await api(page, 'DELETE', `/api/routing/rules/${evilRuleId}`);
    expect(del.status, JSON.stringify(del.body)).toBeLessThan(300);
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(fixtureDir, { recursive: true, force: true });
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  const nothingRan = async (where: string) => {
    const r = await page.evaluate(() => ({ xss: (window as unknown as { __xss?: unknown }).__xss, csp: (window as unknown as { __csp: string[] }).__csp }));
    expect(r.xss, `${where}: a payload executed`).toBeUndefined();
    expect(r.csp, `${where}: CSP violations`).toEqual([]);
    // Nothing the payloads could have created exists in the DOM.
    expect(await page.locator('img[src="x"], svg[onload], [onerror]').count(), `${where}: payload elements`).toBe(0);
  };
  const seesText = async (text: string, timeout = 15_000) => {
    await page.getByText(text, { exact: false }).first().waitFor({ state: 'visible', timeout });
  };

  it('PurelyMail user names: the users list, the drawer and the dashboard', async () => {
    await page.goto(`${server.url}/`);
    await page.getByRole('button', { name: /refresh from purelymail/i }).click();
    await page.goto(`${server.url}/users`);
    await seesText(EVIL_USER_2);
    await seesText(EVIL_USER);
    await nothingRan('users');
    await page.getByTitle(`Open ${EVIL_USER_2}`).first().click();
    await page.getByRole('dialog', { name: EVIL_USER_2 }).waitFor({ state: 'visible', timeout: 15_000 });
    await nothingRan('user drawer');
    await page.keyboard.press('Escape');
    await page.goto(`${server.url}/`);
    await page.getByRole('link', { name: /^Users/ }).first().waitFor();
    await nothingRan('dashboard');
  });

  it('PurelyMail domain names and routing targets: the domains and routing pages', async () => {
    await page.goto(`${server.url}/domains`);
    await seesText(EVIL_DOMAIN);
    await nothingRan('domains');
    await page.goto(`${server.url}/routing`);
    await seesText(EVIL_TARGET);
    await nothingRan('routing');
  });

  it('server profile name and notes, job name, IMAP user: the migrations pages', async () => {
    await page.goto(`${server.url}/migrations?tab=servers`);
    await seesText(SERVER_NAME);
    await seesText(SERVER_NOTES);
    await nothingRan('servers');
    await page.goto(`${server.url}/migrations`);
    await seesText(JOB_NAME);
    await nothingRan('jobs');
    await page.goto(`${server.url}/migrations/jobs/new`);
    await page.getByLabel(/^Name/).waitFor();
    await nothingRan('new job');
  });

  it('imapsync output (an IMAP folder name, an error line) in the job page log tail', async () => {
    await page.goto(`${server.url}/migrations/jobs/${jobId}`);
    await seesText(JOB_NAME);
    const log = page.getByRole('log', { name: 'imapsync output' });
    await expect.poll(async () => (await log.innerText().catch(() => '')).includes(FOLDER_LINE), { timeout: 20_000 }).toBe(true);
    expect(await log.innerText()).toContain(LOG_LINE);
    await nothingRan('job detail');
    // The full log downloads as plain text, never as HTML.
    const href = await page.getByRole('link', { name: /download full log/i }).getAttribute('href');
    const res = await page.request.get(`${server.url}${href}`);
    expect(res.headers()['content-type']).toMatch(/^text\/plain/);
    expect(res.headers()['x-content-type-options']).toBe('nosniff');
  });

  it('pending actions and audit entries carry the hostile targets as text', async () => {
    await page.goto(`${server.url}/pending`);
    await seesText(EVIL_TARGET);
    await nothingRan('pending');
    await page.goto(`${server.url}/audit`);
    await seesText(SERVER_NAME);
    await nothingRan('audit');
    await page.goto(`${server.url}/settings`);
    await page.locator('section#sessions').waitFor();
    await nothingRan('settings');
  });

  it('an upstream error carrying attacker text is shown as text (or replaced by a generic message)', async () => {
    server.sandbox!.injectFault({ op: 'createUser', status: 200, body: JSON.stringify({ type: 'error', code: 'invalidRequest', message: `Refused ${IMG}` }) });
    await page.goto(`${server.url}/users`);
    await page.getByRole('button', { name: 'New user' }).click();
    const dialog = page.getByRole('dialog', { name: 'New user' });
    await dialog.getByLabel('User name').fill('mallory');
    await dialog.locator('#new-user-domain').selectOption(SEED_DOMAINS.healthy);
    await dialog.locator('#new-user-password').fill('a perfectly long passphrase');
    await dialog.getByRole('button', { name: 'Create user' }).click();
    await dialog.getByRole('alert').first().waitFor({ state: 'visible', timeout: 15_000 });
    await nothingRan('create-user error');
    server.sandbox!.clearFaults();
    // A login attempt with a hostile address reaches the audit page as text too.
    await api(page, 'POST', '/api/auth/login', { email: `x${SVG}@example.com`, password: 'wrong password here' });
    await page.goto(`${server.url}/audit`);
    await page.getByRole('table').first().waitFor();
    await nothingRan('audit after hostile login');
  });
});
