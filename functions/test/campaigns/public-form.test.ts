import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { CampaignDetail, CampaignLink, PublicChallenge } from '@app/shared';
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashCampaignToken } from '../../src/modules/campaigns/ids.ts';
import type { ApiClient } from '../support/api-client.ts';
import { FakeClock, startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';
import { startDovecot, type Dovecot } from '../migrations/dovecot.ts';
import { startCountingProxy } from './counting-proxy.ts';
import { solvePow } from './solve-pow.ts';

const RIGHT = `Right-${randomUUID()}`;
const WRONG = `Wrong-${randomUUID()}`;
const BOB_RIGHT = `Bob-${randomUUID()}`;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// AS-8, AS-9, AC-2 through HTTP: the local runtime on a fake clock, dovecot behind a connection-counting relay.
describe('campaign links and the public form', () => {
  let t: TestRuntime;
  let owner: ApiClient;
  let dovecot: Dovecot;
  let proxy: Awaited<ReturnType<typeof startCountingProxy>>;
  const clock = new FakeClock();
  const seen: string[] = [];
  let sourceId: string;
  let destId: string;
  let token: string;
  let campaignId: string;

  const call = async (path: string, body: unknown, client?: ApiClient) => {
    const res = await (client ?? t.anonymous()).post(path, body);
    const text = await res.text();
    seen.push(text);
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> & { error?: { code: string; message: string; fields?: { path: string }[] } }, headers: res.headers };
  };
  // As the page does it: after 3 wrong passwords on the link the API asks for a browser check; solve it and resend.
  const submit = async (body: Record<string, unknown>) => {
    const first = await call('/api/public/campaigns/submit', { token, name: 'Alice Old', ...body });
    if (first.body.error?.code !== 'challenge_required') return first;
    const ch = (await call('/api/public/campaigns/challenge', { token })).body as unknown as PublicChallenge;
    return call('/api/public/campaigns/submit', { token, name: 'Alice Old', ...body, pow: { id: ch.id, nonce: solvePow(ch.prefix, ch.difficulty) } });
  };
  const tokenOf = (link: string) => new URL(link).hash.replace('#t=', '');
  const newCampaign = async (extra: Record<string, unknown> = {}) => {
    const r = await call('/api/migrations/campaigns', { name: 'Move to PurelyMail', requester: 'The IT team at Old Co', sourceServerId: sourceId, destServerId: destId, destDomain: 'northwind.example', ...extra }, owner);
    expect(r.status).toBe(201);
    return r.body as unknown as CampaignLink;
  };

  beforeAll(async () => {
    dovecot = await startDovecot({ 'alice@old.example': RIGHT, 'bob@old.example': BOB_RIGHT });
    proxy = await startCountingProxy(dovecot.port);
    t = await startTestRuntime({ SESSION_IDLE_MINUTES: '1440', SESSION_ABSOLUTE_HOURS: '720' }, clock);
    owner = await t.setupOwner();
    sourceId = ((await call('/api/migrations/servers', { name: 'Old Co mail', host: '127.0.0.1', port: proxy.port, tls: 'none', verifyCert: false }, owner)).body as { id: string }).id;
    destId = ((await call('/api/migrations/servers', { name: 'PurelyMail', host: '127.0.0.1', port: dovecot.port, tls: 'none' }, owner)).body as { id: string }).id;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await proxy?.close();
    await dovecot?.stop();
  });

  it('makes a link with a 256-bit token in the fragment, stored only as its SHA-256', async () => {
    const created = await newCampaign();
    campaignId = created.campaign.id;
    const url = new URL(created.link);
    expect(url.pathname).toBe('/c/');
    expect(url.search).toBe('');
    expect(url.hash).toMatch(/^#t=[A-Za-z0-9_-]{43}$/);
    token = tokenOf(created.link);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(created.campaign).toMatchObject({ status: 'active', destMode: 'same', purgeAfterDays: 7 });
    expect(Date.parse(created.campaign.expiresAt) - clock.now().getTime()).toBe(7 * DAY);

    const { Items = [] } = await t.runtime.migrations.table.doc.send(new ScanCommand({ TableName: t.runtime.migrations.table.name }));
    const dump = JSON.stringify(Items);
    expect(dump).not.toContain(token);
    expect(dump).toContain(hashCampaignToken(token));
    expect(hashCampaignToken(token)).toBe(createHash('sha256').update(token).digest('hex'));
    // The admin's view never carries the hash either.
    expect(JSON.stringify(await owner.json(owner.get(`/api/migrations/campaigns/${campaignId}`)))).not.toContain(hashCampaignToken(token));
  });

  it('tells who is asking, with provider hints; unknown and malformed tokens get the same 404 body', async () => {
    const info = await call('/api/public/campaigns/info', { token });
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({ name: 'Move to PurelyMail', requester: 'The IT team at Old Co', destMode: 'same' });
    expect((info.body.hints as string[]).join(' ')).toMatch(/Gmail and Outlook need an app password/);
    expect(info.headers.get('cache-control')).toBe('no-store');
    expect(info.headers.get('referrer-policy')).toBe('no-referrer');

    const unknown = await call('/api/public/campaigns/info', { token: Buffer.alloc(32, 7).toString('base64url') });
    const malformed = await call('/api/public/campaigns/info', { token: 'nope' });
    for (const r of [unknown, malformed]) expect(r.status).toBe(404);
    const strip = (b: typeof unknown.body) => ({ ...b, error: { ...b.error, requestId: undefined } });
    expect(strip(malformed.body)).toEqual(strip(unknown.body));
    expect(unknown.body.error?.message).toMatch(/not valid/);
    expect(JSON.stringify(unknown.body)).not.toMatch(/Old Co|Move to/);
  });

  it('refuses a wrong password with a clear message after a real IMAP login, then accepts and seals the right one', async () => {
    const before = proxy.connections();
    const wrong = await submit({ sourceEmail: 'Alice@Old.example', sourcePassword: WRONG });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error?.message).toMatch(/did not accept this email address and password.*4 more times/);
    expect(wrong.body.error?.fields?.[0]?.path).toBe('sourcePassword');
    expect(proxy.connections()).toBe(before + 1);

    const ok = await submit({ sourceEmail: 'alice@old.example', sourcePassword: RIGHT });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ status: 'accepted', sourceEmail: 'alice@old.example' });
    expect(proxy.connections()).toBe(before + 2);

    const detail = await owner.json<CampaignDetail>(owner.get(`/api/migrations/campaigns/${campaignId}`));
    expect(detail.submissions).toHaveLength(1);
    expect(detail.submissions[0]).toMatchObject({ sourceEmail: 'alice@old.example', destEmail: 'alice@northwind.example', verification: { ok: true }, via: 'public', willBeCreated: false, purged: false });
    expect(detail.campaign.submissionCount).toBe(1);
    const { Items = [] } = await t.runtime.migrations.table.doc.send(new ScanCommand({ TableName: t.runtime.migrations.table.name }));
    const stored = Items.find((i) => i.sourceEmail === 'alice@old.example')!;
    expect(String(stored.sealedSourcePassword)).toMatch(/^v1:/);
  });

  it('returns the original result for an identical re-send within 60 s, then says "already submitted" and lets the person replace it', async () => {
    const before = proxy.connections();
    // The password is checked first even for a re-send: only its owner learns that the address submitted.
    const again = await submit({ sourceEmail: 'alice@old.example', sourcePassword: RIGHT });
    expect(again.status).toBe(201);
    expect(again.body.status).toBe('accepted');
    expect(proxy.connections()).toBe(before + 1);

    clock.advance(61_000);
    const later = await submit({ sourceEmail: 'alice@old.example', sourcePassword: RIGHT });
    expect(later.status).toBe(409);
    expect(later.body.error).toMatchObject({ code: 'already_submitted' });
    expect(later.body.error?.message).toMatch(/already submitted.*replace/);

    const replaced = await submit({ sourceEmail: 'alice@old.example', sourcePassword: RIGHT, replace: true });
    expect(replaced.status).toBe(200);
    expect(replaced.body.status).toBe('replaced');
    expect(proxy.connections()).toBe(before + 3);
  });

  it('tells nobody with the link which addresses submitted: without the right password, a submitted and a new address get the same answer', async () => {
    const before = proxy.connections();
    const submitted = await submit({ sourceEmail: 'alice@old.example', sourcePassword: WRONG });
    const fresh = await submit({ sourceEmail: 'zoe@old.example', sourcePassword: WRONG });
    for (const r of [submitted, fresh]) {
      expect(r.status).toBe(400);
      expect(r.body.error?.code).toBe('invalid_input');
      expect(r.body.error?.fields).toEqual([{ path: 'sourcePassword', message: 'was not accepted by the mail server' }]);
    }
    const sansCount = (m = '') => m.replace(/ You can try \d+ more times? this hour\.| Wait an hour before trying again\./, '');
    expect(sansCount(submitted.body.error?.message)).toBe(sansCount(fresh.body.error?.message));
    expect(proxy.connections()).toBe(before + 2);
  });

  it('caps wrong passwords per address: the 6th attempt is refused without contacting the IMAP server', async () => {
    const before = proxy.connections();
    for (let i = 1; i <= 5; i++) {
      const r = await submit({ sourceEmail: 'bob@old.example', sourcePassword: `${WRONG}-${i}` });
      expect(r.status, `attempt ${i}`).toBe(400);
    }
    expect(proxy.connections()).toBe(before + 5);
    const sixth = await submit({ sourceEmail: 'bob@old.example', sourcePassword: BOB_RIGHT });
    expect(sixth.status).toBe(429);
    expect(sixth.headers.get('retry-after')).toBe('3600');
    expect(sixth.body.error?.message).toMatch(/Too many wrong passwords for this address/);
    expect(proxy.connections()).toBe(before + 5);
    // Another address is not affected; an hour later bob may try again.
    clock.advance(HOUR + 1000);
    const bob = await submit({ sourceEmail: 'bob@old.example', sourcePassword: BOB_RIGHT, name: 'Bob' });
    expect(bob.status).toBe(201);
    expect(proxy.connections()).toBe(before + 6);
  });

  it('drops a filled honeypot silently: same answer, nothing stored, no IMAP connection', async () => {
    const before = proxy.connections();
    const r = await submit({ sourceEmail: 'carol@old.example', sourcePassword: WRONG, website: 'http://spam.example' });
    expect(r.status).toBe(201);
    expect(r.body.status).toBe('accepted');
    expect(proxy.connections()).toBe(before);
    const detail = await owner.json<CampaignDetail>(owner.get(`/api/migrations/campaigns/${campaignId}`));
    expect(detail.submissions.map((s) => s.sourceEmail)).not.toContain('carol@old.example');
  });

  it('limits submissions per client IP (30 per 15 minutes)', async () => {
    clock.advance(16 * 60_000);
    const bogus = Buffer.alloc(32, 9).toString('base64url');
    for (let i = 0; i < 30; i++) expect((await call('/api/public/campaigns/submit', { token: bogus, name: 'x', sourceEmail: 'x@old.example', sourcePassword: 'x' })).status).toBe(404);
    const over = await call('/api/public/campaigns/submit', { token: bogus, name: 'x', sourceEmail: 'x@old.example', sourcePassword: 'x' });
    expect(over.status).toBe(429);
    expect(over.body.error?.message).toMatch(/Too many attempts/);
    clock.advance(16 * 60_000);
  });

  it('one campaign token cannot touch another campaign; deactivation answers 410 at once', async () => {
    const other = await newCampaign({ name: 'Other campaign', destMode: 'admin' });
    const otherToken = tokenOf(other.link);
    expect((await call('/api/public/campaigns/info', { token: otherToken })).body.name).toBe('Other campaign');
    const detail = await owner.json<CampaignDetail>(owner.get(`/api/migrations/campaigns/${other.campaign.id}`));
    expect(detail.submissions).toEqual([]);

    const off = await call(`/api/migrations/campaigns/${other.campaign.id}/deactivate`, {}, owner);
    expect(off.status).toBe(200);
    expect(off.body.status).toBe('closed');
    for (const r of [await call('/api/public/campaigns/info', { token: otherToken }), await call('/api/public/campaigns/submit', { token: otherToken, name: 'A', sourceEmail: 'alice@old.example', sourcePassword: RIGHT })]) {
      expect(r.status).toBe(410);
      expect(r.body.error?.message).toMatch(/closed/);
    }
  });

  it('expires after the chosen days (fake clock): 410, then purges the credentials N days after the end, audited once', async () => {
    const short = await newCampaign({ name: 'Short', expiryDays: 3, purgeAfterDays: 2 });
    const shortToken = tokenOf(short.link);
    token = shortToken;
    expect((await submit({ sourceEmail: 'alice@old.example', sourcePassword: RIGHT })).status).toBe(201);
    clock.advance(3 * DAY + 1000);
    expect((await call('/api/public/campaigns/info', { token: shortToken })).status).toBe(410);

    // Not due yet (1 day after the end): nothing purged.
    clock.advance(DAY);
    expect((await t.runtime.deps.campaigns.purge()).purged).not.toContain(short.campaign.id);
    clock.advance(DAY);
    expect((await t.runtime.deps.campaigns.purge()).purged).toContain(short.campaign.id);
    expect((await t.runtime.deps.campaigns.purge()).purged).not.toContain(short.campaign.id);

    const detail = await t.runtime.deps.campaigns.detail(short.campaign.id);
    expect(detail.campaign.status).toBe('purged');
    expect(detail.submissions.every((s) => s.purged)).toBe(true);
    const { Items = [] } = await t.runtime.migrations.table.doc.send(new ScanCommand({ TableName: t.runtime.migrations.table.name }));
    const subs = Items.filter((i) => i.campaignId === short.campaign.id && String(i.sk).startsWith('SUB#'));
    expect(subs.length).toBe(1);
    expect(subs.every((s) => s.sealedSourcePassword === null && s.sealedDestPassword === null)).toBe(true);
    const audit = await t.runtime.deps.audit.query({ action: 'campaign.purge', limit: 50 });
    const mine = audit.entries.filter((e) => e.target.startsWith(short.campaign.id));
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ actor: 'system', result: 'ok' });
    expect(mine[0]!.details).toMatch(/1 submission deleted, 2 days after/);
  });

  it('audits accepted submissions as campaign:<id> with the address as target, counts the refused ones, and never shows a password or the token anywhere', async () => {
    const audit = await t.runtime.deps.audit.query({ action: 'campaign.public.submit', limit: 200 });
    expect(audit.entries.some((e) => e.actor === `campaign:${campaignId}` && e.target === 'alice@old.example' && e.result === 'ok')).toBe(true);
    // Refused submissions (wrong passwords, caps, bad links) are counted per day, not written one by one (issue 15).
    expect(audit.entries.filter((e) => e.result === 'failed')).toEqual([]);
    const counted = (await t.runtime.deps.audit.publicRequestCounts(30)).days.flatMap((d) => d.counts).filter((c) => c.action === 'campaign.public.submit' && c.outcome.startsWith('refused'));
    expect(counted.reduce((n, c) => n + c.count, 0)).toBeGreaterThanOrEqual(10);
    const all = await t.runtime.deps.audit.query({ limit: 200 });
    const { Items = [] } = await t.runtime.migrations.table.doc.send(new ScanCommand({ TableName: t.runtime.migrations.table.name }));
    const everything = [JSON.stringify(Items), JSON.stringify(all), t.logs.join('\n'), seen.join('\n')].join('\n');
    for (const secret of [RIGHT, WRONG, BOB_RIGHT, token]) {
      const where = [...Items.map((i) => JSON.stringify(i)), ...all.entries.map((e) => JSON.stringify(e)), ...t.logs].filter((x) => x.includes(secret));
      expect(where).toEqual([]);
    }
    // The link appears once: in the answer to the admin who created the campaign.
    expect(seen.filter((s) => s.includes(token)).map((s) => Object.keys(JSON.parse(s) as object))).toEqual([['campaign', 'link']]);
    for (const secret of [RIGHT, WRONG, BOB_RIGHT]) expect(everything).not.toContain(secret);
  });
});
