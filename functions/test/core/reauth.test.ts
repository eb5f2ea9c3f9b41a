import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, body } from '../support/api-client.ts';
import { FakeClock, startTestRuntime, TEST_PASSWORD, type TestRuntime } from '../support/test-runtime.ts';
import { totpCode, wrongCode } from '../mfa/totp-code.ts';

const STALE = 5 * 60_000 + 1_000;

// AS-10 step-up re-authentication (ASVS 7.5.1–7.5.3): sensitive actions need a password check from the
// last 5 minutes, else 401 `reauth_required`; POST /api/auth/reauth is checked like a login and rotates the
// token (AS-2). Time is a fake clock.
describe('step-up re-authentication', () => {
  let t: TestRuntime;
  let owner: ApiClient;
  const clock = new FakeClock();

  beforeAll(async () => {
    t = await startTestRuntime({}, clock);
    owner = await t.setupOwner();
  });
  afterAll(() => t.close());

  const reauth = (c: ApiClient, input: Record<string, unknown> = { password: TEST_PASSWORD }) => c.post('/api/auth/reauth', input);
  const signIn = async (email: string, password = TEST_PASSWORD) => {
    const c = t.anonymous();
    expect((await c.post('/api/auth/login', { email, password })).status).toBe(200);
    return c;
  };
  const expectReauthRequired = async (res: Response) => {
    expect(res.status).toBe(401);
    const b = await body(res);
    expect(b.error.code).toBe('reauth_required');
    expect(b.error.message).toMatch(/password again/);
  };
  const sessionIdOf = async (who: ApiClient) => (await who.json<{ sessionId: string }>(who.get('/api/auth/me'))).sessionId;

  it('adding and removing an admin: OK within 5 minutes, reauth_required after, OK again after re-auth', async () => {
    // Within 5 minutes of setup (the password was just checked).
    expect((await owner.post('/api/admins', { email: 'ann@example.com', name: 'Ann', password: TEST_PASSWORD })).status).toBe(201);

    clock.advance(STALE);
    await expectReauthRequired(await owner.post('/api/admins', { email: 'bob@example.com', name: 'Bob', password: TEST_PASSWORD }));
    await expectReauthRequired(await owner.del('/api/admins/ann%40example.com'));
    expect((await owner.json<{ admins: { email: string }[] }>(owner.get('/api/admins'))).admins.map((a) => a.email)).toEqual(
      expect.not.arrayContaining(['bob@example.com']),
    );
    // Reading is not sensitive, and the session itself is still fine.
    expect((await owner.get('/api/auth/me')).status).toBe(200);

    expect((await reauth(owner)).status).toBe(200);
    expect((await owner.post('/api/admins', { email: 'bob@example.com', name: 'Bob', password: TEST_PASSWORD })).status).toBe(201);
    expect((await owner.del('/api/admins/ann%40example.com')).status).toBe(204);
    clock.advance(4 * 60_000); // still inside the window
    expect((await owner.del('/api/admins/bob%40example.com')).status).toBe(204);
  });

  it('removing oneself or changing one’s own role is refused before the password is asked again (409 with the reason, not 401)', async () => {
    clock.advance(STALE);
    const me = encodeURIComponent('owner@example.com');
    for (const [res, code, message] of [
      [await owner.del(`/api/admins/${me}`), 'self_removal', 'You cannot remove yourself. Ask another owner.'],
      [await owner.patch(`/api/admins/${me}`, { role: 'viewer' }), 'self_role_change', 'You cannot change your own role. Ask another owner.'],
    ] as const) {
      expect(res.status).toBe(409);
      expect((await body(res)).error).toMatchObject({ code, message });
    }
    // Another admin still needs the re-auth.
    await expectReauthRequired(await owner.patch('/api/admins/someone%40example.com', { role: 'viewer' }));
  });

  it("setting a mailbox password and creating, editing or deleting a routing rule need it too (issue 15); PurelyMail is not called before", async () => {
    await owner.post('/api/sync');
    const sandbox = t.runtime.sandbox!;
    const rule = { domainName: 'northwind.example', preset: 'exact', matchUser: 'reauth-test', targetAddresses: ['alice@northwind.example'] };
    clock.advance(STALE);
    sandbox.clearRequests();
    await expectReauthRequired(await owner.post('/api/users/alice%40northwind.example/password', { newPassword: 'a new mailbox password 1' }));
    await expectReauthRequired(await owner.post('/api/routing/rules', rule));
    await expectReauthRequired(await owner.put('/api/routing/rules/1', rule));
    await expectReauthRequired(await owner.del('/api/routing/rules/1'));
    expect(sandbox.requests().map((r) => r.op)).toEqual([]);

    expect((await reauth(owner)).status).toBe(200);
    expect((await owner.post('/api/users/alice%40northwind.example/password', { newPassword: 'a new mailbox password 1' })).status).toBe(204);
    expect((await owner.post('/api/routing/rules', rule)).status).toBe(201);
  });

  it('revoking another session and ending all other sessions need it; signing out one’s own session does not', async () => {
    const other = await signIn('owner@example.com');
    const third = await signIn('owner@example.com');
    clock.advance(STALE);
    const otherId = await sessionIdOf(other);
    await expectReauthRequired(await owner.del(`/api/sessions/${otherId}`));
    await expectReauthRequired(await owner.del('/api/sessions'));
    expect((await other.get('/api/auth/me')).status).toBe(200);

    expect((await reauth(owner)).status).toBe(200);
    expect((await owner.del(`/api/sessions/${otherId}`)).status).toBe(204);
    expect((await other.get('/api/auth/me')).status).toBe(401);
    const ended = await owner.del('/api/sessions');
    expect(ended.status).toBe(200);
    expect(await ended.json()).toEqual({ endedSessions: 1 });
    expect((await third.get('/api/auth/me')).status).toBe(401);
    expect((await owner.get('/api/auth/me')).status).toBe(200);

    // One's own session is a sign-out, whatever the age of the last password check.
    const mine = await signIn('owner@example.com');
    clock.advance(STALE);
    expect((await mine.del(`/api/sessions/${await sessionIdOf(mine)}`)).status).toBe(204);
    expect((await mine.get('/api/auth/me')).status).toBe(401);
  });

  it('re-auth rotates the token: the old cookie is dead, the new one carries a fresh authAt', async () => {
    clock.advance(STALE);
    const before = owner.clone();
    const res = await reauth(owner);
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie()).toHaveLength(1);
    expect(res.headers.getSetCookie()[0]).toMatch(/^__Host-pm_sid=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}; Max-Age=\d+; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
    expect(owner.cookie).not.toBe(before.cookie);
    expect(await res.json()).toMatchObject({ admin: { email: 'owner@example.com' } });
    expect((await before.get('/api/auth/me')).status).toBe(401);
    expect((await before.post('/api/admins', { email: 'cy@example.com', name: 'Cy', password: TEST_PASSWORD })).status).toBe(401);
    expect((await owner.get('/api/auth/me')).status).toBe(200);
  });

  it('changing one’s own password needs no recent sign-in (the current password is the re-auth) and rotates the token', async () => {
    clock.advance(STALE);
    const before = owner.clone();
    const res = await owner.post('/api/account/password', { currentPassword: TEST_PASSWORD, newPassword: 'a different long passphrase 9', endOtherSessions: false });
    expect(res.status).toBe(200);
    expect((await before.get('/api/auth/me')).status).toBe(401);
    // The new session counts as freshly authenticated.
    expect((await owner.post('/api/admins', { email: 'dan@example.com', name: 'Dan', password: TEST_PASSWORD })).status).toBe(201);
    expect((await owner.post('/api/account/password', { currentPassword: 'a different long passphrase 9', newPassword: TEST_PASSWORD, endOtherSessions: false })).status).toBe(200);
  });

  it('a wrong password is refused with 400, counted in the login throttle (429 after 5), and the right one works after the backoff', async () => {
    const dan = await signIn('dan@example.com');
    clock.advance(STALE);
    for (let i = 0; i < 5; i++) {
      const wrong = await reauth(dan, { password: 'not the password at all' });
      expect(wrong.status).toBe(400);
      expect((await body(wrong)).error.fields).toEqual([{ path: 'password', message: 'is wrong' }]);
    }
    const locked = await reauth(dan);
    expect(locked.status).toBe(429);
    expect((await body(locked)).error.message).toMatch(/Too many sign-in attempts/);
    // The account's login is throttled too: one bucket per account.
    expect((await t.anonymous().post('/api/auth/login', { email: 'dan@example.com', password: TEST_PASSWORD })).status).toBe(429);
    expect((await dan.get('/api/auth/me')).status).toBe(200); // a failed re-auth does not end the session
    clock.advance(31_000);
    expect((await reauth(dan)).status).toBe(200);
  });

  it('with 2FA the code is required too, and turning "require 2FA for every admin" on or off needs a recent re-auth', async () => {
    // Prepare: the owner turns 2FA on (itself a re-authentication with password and code).
    const { secret } = await owner.json<{ secret: string }>(owner.post('/api/account/mfa/enrol'));
    expect((await owner.post('/api/account/mfa/confirm', { code: totpCode(secret, clock), password: TEST_PASSWORD })).status).toBe(200);
    clock.advance(STALE);
    const { version } = await owner.json<{ version: number }>(owner.get('/api/settings'));

    // Other settings are not sensitive; the 2FA policy is.
    expect((await owner.put('/api/settings', { creditAmber: '6', version })).status).toBe(200);
    await expectReauthRequired(await owner.put('/api/settings', { requireAdminMfa: true, version: version + 1 }));

    const noCode = await reauth(owner);
    expect(noCode.status).toBe(400);
    expect((await body(noCode)).error.fields).toEqual([{ path: 'code', message: 'is required' }]);
    const badCode = await reauth(owner, { password: TEST_PASSWORD, code: wrongCode(secret, clock) });
    expect(badCode.status).toBe(400);
    expect((await body(badCode)).error.message).toBe('The password or the code is not right.');
    const badPassword = await reauth(owner, { password: 'wrong password again!', code: totpCode(secret, clock) });
    expect((await body(badPassword)).error.message).toBe('The password or the code is not right.');
    expect((await reauth(owner, { password: TEST_PASSWORD, code: totpCode(secret, clock) })).status).toBe(200);

    expect((await owner.put('/api/settings', { requireAdminMfa: true, version: version + 1 })).status).toBe(200);
    clock.advance(STALE);
    await expectReauthRequired(await owner.put('/api/settings', { requireAdminMfa: false, version: version + 2 }));
  });

  it('audits every re-auth and every refusal, without the password or code', async () => {
    const { entries } = await owner.json<{ entries: { action: string; result: string; reason?: string; details?: string }[] }>(owner.get('/api/audit?limit=200'));
    const reauths = entries.filter((e) => e.action === 'auth.reauth');
    expect(reauths.filter((e) => e.result === 'ok')).toHaveLength(6);
    expect(reauths.some((e) => e.result === 'ok' && e.details === 'with the password and an authenticator code; session token renewed')).toBe(true);
    expect(reauths.some((e) => e.result === 'failed' && e.reason === 'The password is not right.')).toBe(true);
    expect(reauths.some((e) => e.result === 'failed' && e.reason === 'The password or the code is not right.')).toBe(true);
    const refused = entries.filter((e) => e.result === 'failed' && e.reason === 'Confirm it is you: enter your password again to do this.');
    expect(new Set(refused.map((e) => e.action))).toEqual(new Set(['admin.create', 'admin.remove', 'admin.role.change', 'session.revoke', 'session.others.revoke', 'settings.update', 'user.password.set', 'routing.create', 'routing.update', 'routing.delete.request']));
    const text = JSON.stringify(entries);
    for (const secret of [TEST_PASSWORD, 'not the password at all', 'a different long passphrase 9']) expect(text).not.toContain(secret);
  });
});
