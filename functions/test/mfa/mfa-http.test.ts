import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, body } from '../support/api-client.ts';
import { FakeClock, startTestRuntime, TEST_PASSWORD, type TestRuntime } from '../support/test-runtime.ts';
import { totpCode, wrongCode } from './totp-code.ts';

type Enrolled = { client: ApiClient; email: string; secret: string; recoveryCodes: string[] };

// Issue 8: TOTP enrolment, two-step login, replay and brute-force defences, recovery codes, disable with
// re-authentication. Time is a fake clock, so TOTP steps and challenge expiry are exact.
describe('admin two-factor authentication over HTTP', () => {
  let t: TestRuntime;
  let owner: ApiClient;
  const clock = new FakeClock();
  const seen: string[] = []; // every secret and code the tests handle: none may appear in audit or logs

  beforeAll(async () => {
    t = await startTestRuntime({}, clock);
    owner = await t.setupOwner();
  });
  afterAll(() => t.close());

  let ownerSecret: string | undefined;

  async function addAdmin(email: string): Promise<ApiClient> {
    // Adding an admin needs a password check from the last 5 minutes (AS-10): the owner re-authenticates.
    const reauth = await owner.post('/api/auth/reauth', { password: TEST_PASSWORD, ...(ownerSecret ? { code: totpCode(ownerSecret, clock) } : {}) });
    expect(reauth.status).toBe(200);
    clock.advance(30_000); // the code's step is spent
    expect((await owner.post('/api/admins', { email, name: email.split('@')[0], password: TEST_PASSWORD, role: 'admin' })).status).toBe(201);
    const client = t.anonymous();
    expect((await client.post('/api/auth/login', { email, password: TEST_PASSWORD })).status).toBe(200);
    return client;
  }

  async function enrol(client: ApiClient, email: string): Promise<Enrolled> {
    const { secret } = await client.json<{ secret: string }>(client.post('/api/account/mfa/enrol'));
    const res = await client.post('/api/account/mfa/confirm', { code: totpCode(secret, clock), password: TEST_PASSWORD });
    expect(res.status).toBe(200);
    const { recoveryCodes } = (await res.json()) as { recoveryCodes: string[] };
    seen.push(secret, ...recoveryCodes);
    clock.advance(30_000); // the confirming code's step is spent
    return { client, email, secret, recoveryCodes };
  }

  /** Password step, then the code step; returns the second response and the client. */
  async function logIn(email: string, code: (challenge: string) => string | Promise<string>) {
    const client = t.anonymous();
    const first = await client.post('/api/auth/login', { email, password: TEST_PASSWORD });
    expect(first.status).toBe(200);
    expect(first.headers.getSetCookie()).toEqual([]);
    const { challenge, mfaRequired } = (await first.json()) as { challenge: string; mfaRequired: boolean };
    expect(mfaRequired).toBe(true);
    const res = await client.post('/api/auth/login/mfa', { challenge, code: await code(challenge) });
    return { res, client, challenge };
  }

  it('enrols: QR URI and key once, a wrong code or password refused, then active with 10 recovery codes', async () => {
    // Prepare
    const other = t.anonymous();
    await other.post('/api/auth/login', { email: 'owner@example.com', password: TEST_PASSWORD });
    expect(await owner.json(owner.get('/api/account/mfa'))).toMatchObject({ enabled: false, recoveryCodesLeft: 0, required: false });

    // Act: start
    const start = await owner.post('/api/account/mfa/enrol');
    expect(start.status).toBe(200);
    const { otpauthUri, secret } = (await start.json()) as { otpauthUri: string; secret: string };
    seen.push(secret);
    ownerSecret = secret;
    const uri = new URL(otpauthUri);
    expect(uri.protocol).toBe('otpauth:');
    expect(decodeURIComponent(uri.pathname)).toMatch(/PurelyManage:owner@example\.com$/);
    expect(Object.fromEntries(uri.searchParams)).toMatchObject({ issuer: 'PurelyManage', secret, algorithm: 'SHA1', digits: '6', period: '30' });
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);

    // Assess: wrong code, wrong password
    const badCode = await owner.post('/api/account/mfa/confirm', { code: wrongCode(secret, clock), password: TEST_PASSWORD });
    expect(badCode.status).toBe(400);
    expect((await body(badCode)).error.fields?.map((f) => f.path)).toEqual(['code']);
    const badPassword = await owner.post('/api/account/mfa/confirm', { code: totpCode(secret, clock), password: 'not my password at all' });
    expect(badPassword.status).toBe(400);
    expect((await body(badPassword)).error.fields?.map((f) => f.path)).toEqual(['password']);
    expect((await owner.json<{ mfaEnabled: boolean }>(owner.get('/api/auth/me'))).mfaEnabled).toBe(false);

    // Act: the right code (one step of drift is fine)
    const before = owner.clone();
    const ok = await owner.post('/api/account/mfa/confirm', { code: totpCode(secret, clock, -1), password: TEST_PASSWORD });
    expect(ok.status).toBe(200);
    const { recoveryCodes, endedSessions } = (await ok.json()) as { recoveryCodes: string[]; endedSessions: number };
    seen.push(...recoveryCodes);

    // Assess
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    for (const c of recoveryCodes) expect(c).toMatch(/^[A-HJ-NP-Z2-9]{5}-[A-HJ-NP-Z2-9]{5}$/);
    expect(endedSessions).toBe(1);
    expect(owner.cookie).not.toBe(before.cookie); // rotated
    expect((await before.get('/api/auth/me')).status).toBe(401);
    expect((await other.get('/api/auth/me')).status).toBe(401); // other sessions ended
    expect(await owner.json(owner.get('/api/auth/me'))).toMatchObject({ mfaEnabled: true, mfaEnrolmentRequired: false, admin: { mfaEnabled: true } });
    expect(await owner.json(owner.get('/api/account/mfa'))).toMatchObject({ enabled: true, recoveryCodesLeft: 10 });
    const again = await owner.post('/api/account/mfa/enrol');
    expect(again.status).toBe(409);
    expect(JSON.stringify(await again.json())).not.toContain(secret);
    clock.advance(30_000);
  });

  it('login needs the code after the password; a wrong code is refused and a used one cannot be replayed', async () => {
    const amy = await enrol(await addAdmin('amy@example.com'), 'amy@example.com');

    const wrong = await logIn(amy.email, () => wrongCode(amy.secret, clock));
    expect(wrong.res.status).toBe(401);
    expect((await body(wrong.res)).error.message).toMatch(/code is not right/);
    expect(wrong.client.cookie).toBeUndefined();

    const code = totpCode(amy.secret, clock);
    const ok = await wrong.client.post('/api/auth/login/mfa', { challenge: wrong.challenge, code });
    expect(ok.status).toBe(200);
    expect(ok.headers.getSetCookie()).toHaveLength(1);
    expect(await wrong.client.json(wrong.client.get('/api/auth/me'))).toMatchObject({ admin: { email: amy.email }, mfaEnabled: true });

    const replay = await logIn(amy.email, () => code);
    expect(replay.res.status).toBe(401);
    expect(replay.client.cookie).toBeUndefined();

    clock.advance(30_000);
    expect((await replay.client.post('/api/auth/login/mfa', { challenge: replay.challenge, code: totpCode(amy.secret, clock) })).status).toBe(200);
  });

  it('a recovery code works once, typed in any case and without the dash', async () => {
    const ben = await enrol(await addAdmin('ben@example.com'), 'ben@example.com');
    const code = ben.recoveryCodes[3]!;
    const typed = code.replace('-', '').toLowerCase();

    const first = await logIn(ben.email, () => typed);
    expect(first.res.status).toBe(200);
    expect(await first.client.json(first.client.get('/api/account/mfa'))).toMatchObject({ enabled: true, recoveryCodesLeft: 9 });

    const second = await logIn(ben.email, () => code);
    expect(second.res.status).toBe(401);
    const other = await second.client.post('/api/auth/login/mfa', { challenge: second.challenge, code: ben.recoveryCodes[4] });
    expect(other.status).toBe(200);
  });

  it('a challenge is single use, expires after 5 minutes, and an unknown one is refused', async () => {
    const cy = await enrol(await addAdmin('cy@example.com'), 'cy@example.com');

    const used = await logIn(cy.email, () => totpCode(cy.secret, clock));
    expect(used.res.status).toBe(200);
    clock.advance(30_000);
    const reuse = await t.anonymous().post('/api/auth/login/mfa', { challenge: used.challenge, code: totpCode(cy.secret, clock) });
    expect(reuse.status).toBe(401);
    expect((await body(reuse)).error.message).toMatch(/expired or was already used/);

    const late = await logIn(cy.email, () => {
      clock.advance(5 * 60_000 + 1_000);
      return totpCode(cy.secret, clock);
    });
    expect(late.res.status).toBe(401);
    expect((await body(late.res)).error.message).toMatch(/expired/);

    const unknown = await t.anonymous().post('/api/auth/login/mfa', { challenge: 'x'.repeat(43), code: '123456' });
    expect(unknown.status).toBe(401);
    expect((await body(unknown)).error.message).toMatch(/Enter your email and password again/);
    const { entries } = await owner.json<{ entries: { action: string; actor: string; result: string }[] }>(owner.get('/api/audit?action=auth.mfa.verify&limit=50'));
    expect(entries.some((e) => e.actor === 'cy@example.com' && e.result === 'ok')).toBe(true);
    // A made-up challenge names no account: counted per day, not audited (issue 15).
    expect(entries.some((e) => e.actor === 'anonymous')).toBe(false);
    const counts = (await t.runtime.deps.audit.publicRequestCounts(1)).days[0]!.counts;
    expect(counts.some((c) => c.action === 'auth.mfa.verify' && c.outcome === 'refused 401')).toBe(true);
  });

  it('wrong codes count in the login throttle: after 5 the account backs off, even with the right password', async () => {
    clock.advance(20 * 60_000); // a fresh IP window
    const dee = await enrol(await addAdmin('dee@example.com'), 'dee@example.com');
    const { challenge, client } = await logIn(dee.email, () => wrongCode(dee.secret, clock));
    for (let i = 0; i < 4; i++) {
      expect((await client.post('/api/auth/login/mfa', { challenge, code: wrongCode(dee.secret, clock) })).status).toBe(401);
    }
    // The account bucket is locked: neither a new password step nor the right code gets through.
    const locked = await t.anonymous().post('/api/auth/login', { email: dee.email, password: TEST_PASSWORD });
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBeTruthy();
    // The challenge died after 5 wrong codes.
    expect((await client.post('/api/auth/login/mfa', { challenge, code: totpCode(dee.secret, clock) })).status).toBe(401);

    clock.advance(31_000);
    const after = await logIn(dee.email, () => totpCode(dee.secret, clock));
    expect(after.res.status).toBe(200);
  });

  it('turning 2FA off needs the password and a current code; afterwards login is password only', async () => {
    const eve = await enrol(await addAdmin('eve@example.com'), 'eve@example.com');
    const c = eve.client;
    const badPassword = await c.post('/api/account/mfa/disable', { password: 'wrong password here', code: totpCode(eve.secret, clock) });
    expect(badPassword.status).toBe(400);
    expect((await body(badPassword)).error.fields?.map((f) => f.path)).toEqual(['password']);
    const badCode = await c.post('/api/account/mfa/disable', { password: TEST_PASSWORD, code: wrongCode(eve.secret, clock) });
    expect(badCode.status).toBe(400);
    expect((await body(badCode)).error.fields?.map((f) => f.path)).toEqual(['code']);
    expect((await c.post('/api/account/mfa/disable', { password: TEST_PASSWORD })).status).toBe(400);

    const before = c.clone();
    const ok = await c.post('/api/account/mfa/disable', { password: TEST_PASSWORD, code: totpCode(eve.secret, clock) });
    expect(ok.status).toBe(204);
    expect((await before.get('/api/auth/me')).status).toBe(401); // re-authentication rotated the token
    expect(await c.json(c.get('/api/auth/me'))).toMatchObject({ mfaEnabled: false });
    const plain = await t.anonymous().post('/api/auth/login', { email: eve.email, password: TEST_PASSWORD });
    expect(await plain.json()).toMatchObject({ admin: { email: eve.email }, mfaEnabled: false });
    expect((await c.post('/api/account/mfa/disable', { password: TEST_PASSWORD, code: '123456' })).status).toBe(409);
  });

  it('owners see who uses 2FA; audit entries and logs never contain a secret or a code', async () => {
    const { admins } = await owner.json<{ admins: Record<string, unknown>[] }>(owner.get('/api/admins'));
    const by = Object.fromEntries(admins.map((a) => [a.email, a]));
    expect(by['owner@example.com']).toMatchObject({ mfaEnabled: true });
    expect(by['eve@example.com']).toMatchObject({ mfaEnabled: false });
    expect(by['amy@example.com']).toMatchObject({ mfaEnabled: true });
    expect(JSON.stringify(admins)).not.toMatch(/secret|recovery|passwordHash/i);

    const { entries } = await owner.json<{ entries: { action: string }[] }>(owner.get('/api/audit?limit=200'));
    const actions = new Set(entries.map((e) => e.action));
    for (const a of ['account.mfa.enrol', 'account.mfa.enable', 'account.mfa.disable', 'auth.mfa.verify']) expect(actions).toContain(a);
    const audit = JSON.stringify(entries);
    const logs = t.logs.join('\n');
    expect(seen.length).toBeGreaterThan(20);
    for (const s of seen) {
      expect(audit).not.toContain(s);
      expect(audit).not.toContain(s.replace('-', ''));
      expect(logs).not.toContain(s);
    }
  });
});
