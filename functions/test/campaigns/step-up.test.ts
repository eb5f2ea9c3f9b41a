import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { CampaignDetail, CampaignLink, PublicChallenge } from '@app/shared';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoCampaignChallengeStore } from '../../src/adapters/dynamodb/dynamodb-campaign-challenge-store.ts';
import type { ApiClient } from '../support/api-client.ts';
import { FakeClock, startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';
import { startDovecot, type Dovecot } from '../migrations/dovecot.ts';
import { startCountingProxy } from './counting-proxy.ts';
import { solvePow, wrongNonce } from './solve-pow.ts';

const PASSWORDS = { 'ann@old.example': `Ann-${randomUUID()}`, 'ben@old.example': `Ben-${randomUUID()}`, 'cat@old.example': `Cat-${randomUUID()}`, 'dan@old.example': `Dan-${randomUUID()}` };
const WRONG = `Wrong-${randomUUID()}`;
const HOUR = 3_600_000;

type Answer = { status: number; body: Record<string, unknown> & { error?: { code: string; message: string } } };

// AS-9 (a) step-up through HTTP: after 3 wrong passwords on a link, a submission needs a solved proof of work,
// and every missing or bad one is refused WITHOUT an IMAP connection (dovecot behind a counting relay).
describe('browser check (proof of work) after 3 wrong passwords on a link', () => {
  let t: TestRuntime;
  let owner: ApiClient;
  let dovecot: Dovecot;
  let proxy: Awaited<ReturnType<typeof startCountingProxy>>;
  const clock = new FakeClock();
  const seen: string[] = [];
  let token: string;
  let campaignId: string;
  let otherToken: string;
  let otherId: string;

  const call = async (path: string, body: unknown, client?: ApiClient): Promise<Answer> => {
    const res = await (client ?? t.anonymous()).post(path, body);
    const text = await res.text();
    seen.push(text);
    return { status: res.status, body: text ? (JSON.parse(text) as Answer['body']) : {} };
  };
  const challenge = async (tok = token) => {
    const r = await call('/api/public/campaigns/challenge', { token: tok });
    expect(r.status).toBe(201);
    return r.body as unknown as PublicChallenge;
  };
  const solved = async (tok = token) => {
    const ch = await challenge(tok);
    return { id: ch.id, nonce: solvePow(ch.prefix, ch.difficulty) };
  };
  const submit = (email: string, password: string, extra: Record<string, unknown> = {}) => call('/api/public/campaigns/submit', { token, name: 'Someone', sourceEmail: email, sourcePassword: password, ...extra });
  const detail = () => owner.json<CampaignDetail>(owner.get(`/api/migrations/campaigns/${campaignId}`));
  /** Asserts the answer is the step-up refusal and that nothing reached the IMAP server meanwhile. */
  const refusedWithoutImap = async (attempt: () => Promise<Answer>) => {
    const before = proxy.connections();
    const r = await attempt();
    expect(r.status).toBe(409);
    expect(r.body.error?.code).toBe('challenge_required');
    expect(r.body.error?.message).toMatch(/quick check/);
    expect(proxy.connections()).toBe(before);
  };

  beforeAll(async () => {
    dovecot = await startDovecot(PASSWORDS);
    proxy = await startCountingProxy(dovecot.port);
    t = await startTestRuntime({ SESSION_IDLE_MINUTES: '1440', SESSION_ABSOLUTE_HOURS: '720' }, clock);
    owner = await t.setupOwner();
    const server = async (name: string, port: number) => ((await call('/api/migrations/servers', { name, host: '127.0.0.1', port, tls: 'none', verifyCert: false }, owner)).body as { id: string }).id;
    const sourceServerId = await server('Old Co mail', proxy.port);
    const destServerId = await server('PurelyMail', dovecot.port);
    const make = async (name: string) => {
      const r = await call('/api/migrations/campaigns', { name, requester: 'The IT team', sourceServerId, destServerId, destDomain: 'northwind.example' }, owner);
      expect(r.status).toBe(201);
      const link = r.body as unknown as CampaignLink;
      return { id: link.campaign.id, token: new URL(link.link).hash.replace('#t=', '') };
    };
    ({ id: campaignId, token } = await make('Step-up campaign'));
    ({ id: otherId, token: otherToken } = await make('Another campaign'));
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await proxy?.close();
    await dovecot?.stop();
  });

  it('issues a single challenge item for a valid link: random id and prefix, 15 bits, 60 s', async () => {
    const a = await challenge();
    const b = await challenge();
    expect(a.id).toMatch(/^pow_[0-9a-f]{32}$/);
    expect(a.prefix).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(a.id).not.toBe(b.id);
    expect(a.prefix).not.toBe(b.prefix);
    expect(a.difficulty).toBe(15);
    expect(Date.parse(a.expiresAt) - clock.now().getTime()).toBe(60_000);
    const { Items = [] } = await t.runtime.migrations.table.doc.send(new ScanCommand({ TableName: t.runtime.migrations.table.name }));
    const item = Items.find((i) => i.pk === `CAMPCHALLENGE#${a.id}`);
    expect(item).toMatchObject({ sk: 'CHALLENGE', campaignId, prefix: a.prefix, difficulty: 15, validUntil: a.expiresAt });
    expect(JSON.stringify(item)).not.toContain(token);
  });

  it('answers unknown, malformed and empty tokens with the same 404 as the info route', async () => {
    const strip = (b: Answer['body']) => ({ ...b, error: { ...b.error, requestId: undefined } });
    const bodies = [];
    for (const tok of [Buffer.alloc(32, 3).toString('base64url'), 'nope', '']) {
      for (const path of ['/api/public/campaigns/challenge', '/api/public/campaigns/info']) {
        const r = await call(path, { token: tok });
        expect(r.status, `${path} ${tok}`).toBe(404);
        bodies.push(JSON.stringify(strip(r.body)));
      }
    }
    expect(new Set(bodies).size).toBe(1);
  });

  it('asks for nothing before the 3rd wrong password: each of the 3 reaches the IMAP server', async () => {
    const before = proxy.connections();
    for (const email of ['ann@old.example', 'ben@old.example', 'cat@old.example']) {
      const r = await submit(email, WRONG);
      expect(r.status, email).toBe(400);
    }
    expect(proxy.connections()).toBe(before + 3);
    expect((await detail()).attempts).toEqual({ failedPasswords: 3, challengesAsked: 0, challengesRefused: 0, challengeRequired: true });
  });

  it('then refuses, without contacting the IMAP server, a submission with no, a wrong, an unknown, another link\'s or an expired solution', async () => {
    const right = PASSWORDS['dan@old.example'];
    await refusedWithoutImap(() => submit('dan@old.example', right));
    const ch = await challenge();
    await refusedWithoutImap(() => submit('dan@old.example', right, { pow: { id: ch.id, nonce: wrongNonce(ch.prefix) } }));
    // The wrong answer used the challenge up: even the right nonce for it is refused now.
    await refusedWithoutImap(() => submit('dan@old.example', right, { pow: { id: ch.id, nonce: solvePow(ch.prefix, ch.difficulty) } }));
    await refusedWithoutImap(() => submit('dan@old.example', right, { pow: { id: `pow_${'0'.repeat(32)}`, nonce: '1' } }));
    await refusedWithoutImap(() => submit('dan@old.example', right, { pow: { id: 'not-an-id', nonce: '1' } }));
    const other = await solved(otherToken);
    await refusedWithoutImap(() => submit('dan@old.example', right, { pow: other }));
    const late = await solved();
    clock.advance(61_000);
    await refusedWithoutImap(() => submit('dan@old.example', right, { pow: late }));
    // A nonce that is not digits never reaches the verifier: plain 400.
    expect((await submit('dan@old.example', right, { pow: { id: late.id, nonce: '12ab' } })).status).toBe(400);
    expect((await detail()).attempts).toMatchObject({ challengesAsked: 1, challengesRefused: 6 });
  });

  it('lets a valid solution through to one real IMAP login, once: the same solution again is refused', async () => {
    const pow = await solved();
    const before = proxy.connections();
    const ok = await submit('dan@old.example', PASSWORDS['dan@old.example'], { pow });
    expect(ok.status).toBe(201);
    expect(proxy.connections()).toBe(before + 1);
    await refusedWithoutImap(() => submit('ann@old.example', PASSWORDS['ann@old.example'], { pow }));
    const { Items = [] } = await t.runtime.migrations.table.doc.send(new ScanCommand({ TableName: t.runtime.migrations.table.name }));
    expect(Items.some((i) => i.pk === `CAMPCHALLENGE#${pow.id}`)).toBe(false);
  });

  it('takes a challenge once even when two submissions race for it (one conditional delete)', async () => {
    const ch = await challenge();
    const store = createDynamoCampaignChallengeStore(t.runtime.migrations.table);
    const taken = await Promise.all([store.take(ch.id), store.take(ch.id), store.take(ch.id)]);
    expect(taken.filter(Boolean)).toHaveLength(1);
    expect(taken.find(Boolean)).toMatchObject({ id: ch.id, campaignId, prefix: ch.prefix, difficulty: 15 });
  });

  it('keeps the 5-an-hour cap per address: the 6th wrong password is refused (429) even with a valid solution', async () => {
    // ann already failed once; four more with solutions reach the server, the next does not.
    const before = proxy.connections();
    for (let i = 2; i <= 5; i++) expect((await submit('ann@old.example', `${WRONG}-${i}`, { pow: await solved() })).status, `attempt ${i}`).toBe(400);
    expect(proxy.connections()).toBe(before + 4);
    const pow = await solved();
    const sixth = await submit('ann@old.example', PASSWORDS['ann@old.example'], { pow });
    expect(sixth.status).toBe(429);
    expect(sixth.body.error?.message).toMatch(/Too many wrong passwords for this address/);
    expect(proxy.connections()).toBe(before + 4);
    // The cap answered before the browser check, so that solution was not used up.
    expect((await submit('ben@old.example', PASSWORDS['ben@old.example'], { pow })).status).toBe(201);
    expect(proxy.connections()).toBe(before + 5);
  });

  it('shows the admin what happened on the campaign page, counts the refusals per day instead of auditing each, keeps no secret, and stops asking an hour later', async () => {
    const d = await detail();
    expect(d.attempts).toEqual({ failedPasswords: 7, challengesAsked: 1, challengesRefused: 7, challengeRequired: true });
    // Anyone can send these: counted per day (issue 15), not one audit entry each.
    const audit = await t.runtime.deps.audit.query({ action: 'campaign.public', limit: 200 });
    expect(audit.entries.filter((e) => e.result === 'failed' || e.action !== 'campaign.public.submit')).toEqual([]);
    const counts = (await t.runtime.deps.audit.publicRequestCounts(30)).days.flatMap((day) => day.counts);
    const count = (action: string, outcome: string) => counts.filter((c) => c.action === action && c.outcome === outcome).reduce((n, c) => n + c.count, 0);
    expect(count('campaign.public.submit', 'refused 409')).toBeGreaterThanOrEqual(8);
    expect(count('campaign.public.challenge', 'ok')).toBeGreaterThan(5);

    const all = await t.runtime.deps.audit.query({ limit: 500 });
    const { Items = [] } = await t.runtime.migrations.table.doc.send(new ScanCommand({ TableName: t.runtime.migrations.table.name }));
    const stored = [JSON.stringify(Items), JSON.stringify(all), t.logs.join('\n')].join('\n');
    for (const secret of [WRONG, ...Object.values(PASSWORDS), token, otherToken]) expect(stored).not.toContain(secret);

    // A closed link says so (410), as its info does.
    expect((await call(`/api/migrations/campaigns/${otherId}/deactivate`, {}, owner)).status).toBe(200);
    const closed = await call('/api/public/campaigns/challenge', { token: otherToken });
    expect(closed.status).toBe(410);
    expect(closed.body.error?.message).toMatch(/closed/);

    clock.advance(HOUR + 1000);
    expect((await detail()).attempts.challengeRequired).toBe(false);
    const before = proxy.connections();
    expect((await submit('cat@old.example', PASSWORDS['cat@old.example'])).status).toBe(201);
    expect(proxy.connections()).toBe(before + 1);
  });
});
