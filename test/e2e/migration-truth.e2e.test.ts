import { CSRF_HEADER, type JobDetail } from '@app/shared';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type Dovecot } from '../../functions/test/migrations/dovecot.ts';
import { horizontalOverflow } from './support/axe.ts';
import { launchChromium, watchErrors } from './support/browser.ts';
import { startLocalServer } from './support/local-server.ts';
import { screen, seeText, setupOwner } from './support/setup-owner.ts';

const STAND_IN = resolve(import.meta.dirname, '../../migrator-container/test/stand-in/imapsync');

/** IMAP commands one after the other, to give the source mailbox folders with non-ASCII names and `&`. */
async function imapCommands(port: number, commands: string[]): Promise<void> {
  const socket = connect(port, '127.0.0.1');
  let buffer = '';
  socket.on('data', (d: Buffer) => (buffer += d.toString('utf8')));
  const until = async (re: RegExp) => {
    for (let i = 0; i < 200 && !re.test(buffer); i++) await new Promise((r) => setTimeout(r, 25));
  };
  await until(/^\* OK/m);
  for (const c of commands) {
    socket.write(`${c}\r\n`);
    await until(new RegExp(`^${c.split(' ')[0]} (OK|NO|BAD)`, 'm'));
  }
  socket.destroy();
}

// What the panel says about a run is what imapsync did: a dry run's findings (fixture 16a), a folder that was
// asked for but is not on the source, and the folder picker fed by the source's real folder list.
describe('migrations tell the truth, in a browser', () => {
  let src: Dovecot;
  let server: Awaited<ReturnType<typeof startLocalServer>>;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  const servers: Record<string, string> = {};

  beforeAll(async () => {
    src = await startDovecot({ alice: 'srcpass-alice' });
    await imapCommands(src.port, ['a1 LOGIN alice srcpass-alice', 'a2 CREATE "&BB8EQAQ+BDUEOgRCBEs-"', 'a3 CREATE "R&-D"', 'a4 CREATE "Sent"', 'a5 LOGOUT']);
    process.env.IMAPSYNC_STANDIN_SPEED = '0';
    server = await startLocalServer({ IMAPSYNC_COMMAND: STAND_IN, MIGRATION_HEARTBEAT_SECONDS: '1' });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    errors = watchErrors(page);
    await setupOwner(page, server);
    for (const [name, port] of [['Old host', src.port], ['PurelyMail lab', 2143]] as const) {
      const res = await page.request.post(`${server.url}/api/migrations/servers`, { data: { name, host: '127.0.0.1', port, tls: 'none', verifyCert: false }, headers: { origin: server.url, [CSRF_HEADER]: '1' } });
      servers[name] = ((await res.json()) as { id: string }).id;
    }
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await src?.stop();
    delete process.env.IMAPSYNC_STANDIN_FIXTURE;
    delete process.env.IMAPSYNC_STANDIN_SPEED;
  });

  const createJob = async (fixture: string, body: object) => {
    process.env.IMAPSYNC_STANDIN_FIXTURE = fixture;
    const res = await page.request.post(`${server.url}/api/migrations/jobs`, {
      data: { source: { serverId: servers['Old host'], user: 'alice', password: 'srcpass-alice' }, dest: { serverId: servers['PurelyMail lab'], user: 'alice@new.example', password: 'x' }, ...body },
      headers: { origin: server.url, [CSRF_HEADER]: '1' },
    });
    expect(res.status()).toBe(201);
    return ((await res.json()) as JobDetail).job.id;
  };

  it('a dry run to a fresh destination says what it would copy and which folders it did not simulate (16a)', async () => {
    const id = await createJob('16a-dry-run-fresh-destination', { name: 'Dry run: fresh destination', start: 'dry' });
    await page.goto(`${server.url}/migrations/jobs/${id}`);
    await seeText(page, 'What the dry run found', 20_000);
    expect(await page.getByTestId('stat-would-copy').innerText()).toBe('303');
    expect(await page.getByTestId('dry-summary').innerText()).toContain('would copy 303 messages (24 MB)');
    expect(await page.getByTestId('dry-not-simulated').innerText()).toMatch(/not simulated: 7 folders holding 181 messages \(Проекты, Archive, Archive\.2023, Empty and 3 more\)/);
    const text = await page.locator('main').innerText();
    expect(text).not.toMatch(/122 \/ 303|still missing|did not report a clean sync/);
    expect(await page.getByTestId('verdict').innerText()).toBe('Dry run: nothing was copied');
    await screen(page, 'truth-dry-run-16a', { grow: true });
    await page.setViewportSize({ width: 375, height: 800 });
    expect(await horizontalOverflow(page)).toBe(0);
    await screen(page, 'truth-dry-run-16a-phone', { grow: true });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('a folder asked for that the source does not have: the run needs attention and names it', async () => {
    const id = await createJob('01-success', { name: 'Only two folders', start: 'full', options: { includeFolders: ['Archvie', 'Проекты'], excludeFolders: [], maxSizeBytes: null } });
    await page.goto(`${server.url}/migrations/jobs/${id}`);
    await seeText(page, 'Final statistics', 20_000);
    expect(await page.getByTestId('verdict').innerText()).toMatch(/Needs attention/);
    expect(await page.getByTestId('ignored-folders').innerText()).toContain('no folder called “Archvie”');
    expect(await page.getByTestId('stat-transferred').innerText()).toBe('20');
    await screen(page, 'truth-ignored-folder', { grow: true });
  });

  it('the new-job form offers the source\'s real folders (readable names) and points out a name it does not have', async () => {
    await page.goto(`${server.url}/migrations/jobs/new`);
    await page.locator('#source-user').fill('alice');
    await page.locator('#source-password').fill('srcpass-alice');
    await page.getByRole('button', { name: 'Show the source’s folders' }).click();
    const table = page.getByTestId('source-folders');
    await table.waitFor({ timeout: 20_000 });
    expect((await table.locator('tbody td:first-child').allInnerTexts()).sort()).toEqual(['INBOX', 'R&D', 'Sent', 'Проекты'].sort());
    await page.getByLabel('Only Проекты').check();
    await page.getByLabel('Only R&D').check();
    expect(await page.locator('#include-folders').inputValue()).toBe('Проекты\nR&D');
    await page.locator('#exclude-folders').fill('Sent Items');
    expect(await page.getByTestId('unknown-folders').innerText()).toContain('“Sent Items”');
    await screen(page, 'truth-folder-picker', { grow: true });
    expect(errors).toEqual([]);
  });
});
