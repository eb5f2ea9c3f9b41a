import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, body } from '../support/api-client.ts';
import { FakeClock, startTestRuntime, TEST_PASSWORD, type TestRuntime } from '../support/test-runtime.ts';

// Auth & sessions (checklist AS-1..AS-4, AC-2): setup, login, cookie shape, rotation, logout, revocation,
// timeouts on a fake clock, admin removal.
describe('admin auth and sessions', () => {
  let t: TestRuntime;
  let owner: ApiClient;
  const clock = new FakeClock();

  beforeAll(async () => {
    t = await startTestRuntime({}, clock);
    owner = await t.setupOwner();
  });
  afterAll(() => t.close());

  it('issues a __Host- cookie with Secure, HttpOnly, SameSite=Strict, Path=/, no Domain, and stores only its hash', async () => {
    const c = new ApiClient(t.runtime.url);
    const res = await c.post('/api/auth/login', { email: 'owner@example.com', password: TEST_PASSWORD });
    expect(res.status).toBe(200);
    const cookies = res.headers.getSetCookie();
    expect(cookies).toHaveLength(1);
    const cookie = cookies[0]!;
    // `<adminKey>.<token>`: base64url(email), then 32 random bytes in base64url.
    const m = /^__Host-pm_sid=([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43});/.exec(cookie);
    expect(m).not.toBeNull();
    const [, adminKey, token] = m as unknown as [string, string, string];
    expect(Buffer.from(adminKey, 'base64url').toString('utf8')).toBe('owner@example.com');
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(Buffer.byteLength(cookie.split(';')[0]!)).toBeLessThanOrEqual(4096);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/Domain=/i);
    const me = await c.json<{ sessionId: string }>(c.get('/api/auth/me'));
    expect(me.sessionId).toBe(createHash('sha256').update(token).digest('hex'));
    const sessions = await t.runtime.deps.auth.listSessions('');
    expect(JSON.stringify(sessions)).not.toContain(token);
  });

  it('refuses old token-only cookies, malformed values and a cookie whose admin key names someone else', async () => {
    const c = new ApiClient(t.runtime.url);
    await c.post('/api/auth/login', { email: 'owner@example.com', password: TEST_PASSWORD });
    const value = c.cookie!.slice('__Host-pm_sid='.length);
    const token = value.split('.')[1]!;
    const variants = [
      token, // the format before the admin key
      `${value}x`,
      `.${token}`,
      `${Buffer.from('someone@example.com').toString('base64url')}.${token}`,
      `${Buffer.from('OWNER@example.com').toString('base64url')}.${token}`,
      `${value.split('.')[0]}=.${token}`,
    ];
    for (const v of variants) {
      const forged = new ApiClient(t.runtime.url);
      forged.cookie = `__Host-pm_sid=${v}`;
      const res = await forged.get('/api/auth/me');
      expect(res.status, v).toBe(401);
      expect((await body(res)).error.code).toBe('unauthorized');
    }
    expect((await c.get('/api/auth/me')).status).toBe(200); // a refused forgery does not end the real session
  });

  it('setup is one-time: the token dies once an admin exists', async () => {
    const res = await t.anonymous().post('/api/setup', { token: 'x'.repeat(43), email: 'evil@example.com', name: 'Evil', password: TEST_PASSWORD });
    expect(res.status).toBe(410);
    expect((await body(res)).error.message).toMatch(/already done/);
    expect(await t.anonymous().json(t.anonymous().get('/api/setup/status'))).toEqual({ needsSetup: false });
  });

  it('rotates the token at login: a planted or previous cookie is dead afterwards', async () => {
    const c = new ApiClient(t.runtime.url);
    await c.post('/api/auth/login', { email: 'owner@example.com', password: TEST_PASSWORD });
    const before = c.clone();
    await c.post('/api/auth/login', { email: 'owner@example.com', password: TEST_PASSWORD });
    expect(c.cookie).not.toBe(before.cookie);
    expect((await before.get('/api/auth/me')).status).toBe(401);
    expect((await c.get('/api/auth/me')).status).toBe(200);

    const planted = new ApiClient(t.runtime.url);
    planted.cookie = '__Host-pm_sid=attacker-chosen-value';
    expect((await planted.get('/api/auth/me')).status).toBe(401);
    await planted.post('/api/auth/login', { email: 'owner@example.com', password: TEST_PASSWORD });
    expect(planted.cookie).not.toBe('__Host-pm_sid=attacker-chosen-value');
  });

  it('logout ends the session server-side and asks the browser to clear its data', async () => {
    const c = new ApiClient(t.runtime.url);
    await c.post('/api/auth/login', { email: 'owner@example.com', password: TEST_PASSWORD });
    const replay = c.clone();
    const res = await c.post('/api/auth/logout');
    expect(res.status).toBe(204);
    expect(res.headers.get('clear-site-data')).toContain('cookies');
    expect((await replay.get('/api/auth/me')).status).toBe(401);
  });

  it('lists sessions without tokens and revokes another one at once', async () => {
    const other = new ApiClient(t.runtime.url, 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) Firefox/140.0');
    await other.post('/api/auth/login', { email: 'owner@example.com', password: TEST_PASSWORD });
    const { sessions } = await owner.json<{ sessions: { id: string; device: string; current: boolean }[] }>(owner.get('/api/sessions'));
    const mine = sessions.find((s) => s.current)!;
    const theirs = sessions.find((s) => s.device === 'Firefox on macOS')!;
    expect(mine).toBeDefined();
    expect(theirs).toBeDefined();
    expect(JSON.stringify(sessions)).not.toContain(other.cookie!.split('=')[1]);
    expect(theirs).toMatchObject({ ip: '127.0.0.1' });
    expect((await owner.del(`/api/sessions/${theirs.id}`)).status).toBe(204);
    expect((await other.get('/api/auth/me')).status).toBe(401);
    expect((await owner.get('/api/auth/me')).status).toBe(200);
  });

  it('expires sessions after 30 idle minutes and after 12 hours in all, whatever the client does', async () => {
    const c = new ApiClient(t.runtime.url);
    await c.post('/api/auth/login', { email: 'owner@example.com', password: TEST_PASSWORD });
    clock.advance(29 * 60_000);
    expect((await c.get('/api/auth/me')).status).toBe(200);
    clock.advance(29 * 60_000);
    expect((await c.get('/api/auth/me')).status).toBe(200); // activity extended the idle deadline
    clock.advance(31 * 60_000);
    expect((await c.get('/api/auth/me')).status).toBe(401);

    const busy = new ApiClient(t.runtime.url);
    await busy.post('/api/auth/login', { email: 'owner@example.com', password: TEST_PASSWORD });
    for (let i = 0; i < 12 * 4; i++) {
      clock.advance(15 * 60_000);
      const status = (await busy.get('/api/auth/me')).status;
      if (i < 12 * 4 - 1) expect(status).toBe(200);
      else expect(status).toBe(401); // 12 h after login, despite constant activity
    }
    owner = new ApiClient(t.runtime.url);
    await owner.post('/api/auth/login', { email: 'owner@example.com', password: TEST_PASSWORD });
  });

  it('changing the password needs the current one and ends the other sessions when asked', async () => {
    const other = new ApiClient(t.runtime.url);
    await other.post('/api/auth/login', { email: 'owner@example.com', password: TEST_PASSWORD });
    const wrong = await owner.post('/api/account/password', { currentPassword: 'not it at all', newPassword: 'another long passphrase 7', endOtherSessions: true });
    expect(wrong.status).toBe(400);
    expect((await body(wrong)).error.fields).toEqual([{ path: 'currentPassword', message: 'is wrong' }]);
    expect((await other.get('/api/auth/me')).status).toBe(200);
    const ok = await owner.post('/api/account/password', { currentPassword: TEST_PASSWORD, newPassword: 'another long passphrase 7', endOtherSessions: true });
    expect(ok.status).toBe(200);
    expect((await body(ok)).endedSessions).toBeGreaterThanOrEqual(1);
    expect((await other.get('/api/auth/me')).status).toBe(401);
    expect((await owner.get('/api/auth/me')).status).toBe(200);
    expect((await new ApiClient(t.runtime.url).post('/api/auth/login', { email: 'owner@example.com', password: TEST_PASSWORD })).status).toBe(401);
    await owner.post('/api/account/password', { currentPassword: 'another long passphrase 7', newPassword: TEST_PASSWORD, endOtherSessions: false });
  });

  it('only owners add and remove admins; nobody removes themselves or the last owner; removal ends sessions', async () => {
    const created = await owner.post('/api/admins', { email: 'Ada@Example.com', name: 'Ada Admin', password: TEST_PASSWORD, role: 'admin' });
    expect(created.status).toBe(201);
    expect((await body(created)).email).toBe('ada@example.com');
    expect((await owner.post('/api/admins', { email: 'ada@example.com', name: 'Dup', password: TEST_PASSWORD })).status).toBe(409);

    const ada = new ApiClient(t.runtime.url);
    expect((await ada.post('/api/auth/login', { email: 'ada@example.com', password: TEST_PASSWORD })).status).toBe(200);
    expect((await ada.post('/api/admins', { email: 'x@example.com', name: 'X', password: TEST_PASSWORD })).status).toBe(403);
    expect((await ada.del('/api/admins/owner%40example.com')).status).toBe(403);

    const self = await owner.del('/api/admins/owner%40example.com');
    expect(self.status).toBe(409);
    expect((await body(self)).error.message).toMatch(/yourself/);

    expect((await owner.del('/api/admins/ada%40example.com')).status).toBe(204);
    expect((await ada.get('/api/auth/me')).status).toBe(401);
  });

  it('never leaves the account without an owner, even when the store is asked directly', async () => {
    const admins = t.runtime.deps.auth;
    await expect(admins.removeAdmin({ email: 'someone-else', name: '', role: 'owner', passwordHash: '', createdAt: '', lastLoginAt: null }, 'owner@example.com')).rejects.toThrow(
      /last owner/,
    );
  });
});
