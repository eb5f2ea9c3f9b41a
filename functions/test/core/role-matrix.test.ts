import type { AuditPage, SessionInfo, Settings } from '@app/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, PUBLIC_ROUTES } from '../../src/http/app.ts';
import { VIEWER_ROUTES } from '../../src/http/middleware/read-only-viewers.ts';
import { ApiClient, body } from '../support/api-client.ts';
import { FakeClock, startTestRuntime, TEST_PASSWORD, type TestRuntime } from '../support/test-runtime.ts';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const concrete = (path: string) => path.replace(/:(\w+)/g, (_m, name: string) => (name === 'id' ? 'a'.repeat(64) : 'x%40example.com'));
const VIEWER_REFUSAL = 'Viewers can look but not change anything.';

// Issue 15 (roles): what an owner can do that an admin cannot, and a read-only viewer, enforced server-side.
describe('role matrix: owner, admin, viewer', () => {
  let t: TestRuntime;
  let owner: ApiClient;
  let admin: ApiClient;
  let viewer: ApiClient;
  const clock = new FakeClock();
  const signIn = async (email: string) => {
    const c = t.anonymous();
    expect((await c.post('/api/auth/login', { email, password: TEST_PASSWORD })).status).toBe(200);
    return c;
  };
  const reauth = async (c: ApiClient) => expect((await c.post('/api/auth/reauth', { password: TEST_PASSWORD })).status).toBe(200);

  beforeAll(async () => {
    t = await startTestRuntime({ SESSION_IDLE_MINUTES: '1440', SESSION_ABSOLUTE_HOURS: '720' }, clock);
    owner = await t.setupOwner();
    for (const [email, role] of [['amy@example.com', 'admin'], ['val@example.com', 'viewer']] as const) {
      expect((await owner.post('/api/admins', { email, name: email.split('@')[0], password: TEST_PASSWORD, role })).status).toBe(201);
    }
    admin = await signIn('amy@example.com');
    viewer = await signIn('val@example.com');
  });
  afterAll(() => t.close());

  it('a viewer gets 403 on every state-changing route but their own password, 2FA, sessions and list reloads; each refusal is audited', async () => {
    const routes = new Map<string, { method: string; path: string }>();
    for (const r of createApp(t.runtime.deps).routes) if (MUTATING.has(r.method) && !r.path.endsWith('*')) routes.set(`${r.method} ${r.path}`, r);
    const refused: string[] = [];
    for (const [key, r] of routes) {
      if ((PUBLIC_ROUTES as readonly string[]).includes(key) || r.path.startsWith('/api/auth/') || (VIEWER_ROUTES as readonly string[]).includes(key)) continue;
      const res = await viewer.request(r.method, concrete(r.path), {});
      expect(res.status, key).toBe(403);
      expect((await body(res)).error.message, key).toBe(VIEWER_REFUSAL);
      refused.push(key);
    }
    expect(refused.length).toBeGreaterThan(40);
    // Every listed exception is a real route (a typo would silently refuse it).
    for (const key of VIEWER_ROUTES) expect(routes.has(key), key).toBe(true);
    const denied = await owner.json<AuditPage>(owner.get('/api/audit?action=authz.deny&limit=200'));
    expect(denied.entries).toHaveLength(refused.length);
    expect(denied.entries.every((e) => e.actor === 'val@example.com' && e.result === 'failed')).toBe(true);
    expect(new Set(denied.entries.map((e) => e.target))).toEqual(new Set(refused));
  });

  it('a viewer sees everything: every page read answers as it does for the owner', async () => {
    await owner.post('/api/sync');
    for (const path of ['/api/dashboard', '/api/users', '/api/domains', '/api/routing', '/api/pending-actions', '/api/audit', '/api/audit/public-requests', '/api/settings', '/api/admins', '/api/sessions', '/api/notifications/settings', '/api/migrations/jobs', '/api/migrations/servers', '/api/migrations/campaigns', '/api/migrations/batches', '/api/dns-health/settings']) {
      const [mine, theirs] = await Promise.all([viewer.get(path), owner.get(path)]);
      expect(mine.status, path).toBe(theirs.status);
      expect(mine.status, path).toBe(200);
    }
  });

  it("a viewer still manages their own account: password, sessions, reloading lists", async () => {
    expect((await viewer.post('/api/sync')).status).toBe(200);
    const other = await signIn('val@example.com');
    expect((await viewer.del('/api/sessions')).status).toBe(200);
    expect((await other.get('/api/auth/me')).status).toBe(401);
    const changed = await viewer.post('/api/account/password', { currentPassword: TEST_PASSWORD, newPassword: 'a new viewer passphrase 77', endOtherSessions: true });
    expect(changed.status).toBe(200);
    expect((await viewer.post('/api/account/password', { currentPassword: 'a new viewer passphrase 77', newPassword: TEST_PASSWORD, endOtherSessions: true })).status).toBe(200);
    // Another admin's session is not theirs to end.
    const amySession = (await owner.json<{ sessions: SessionInfo[] }>(owner.get('/api/sessions'))).sessions.find((s) => s.adminEmail === 'amy@example.com')!;
    const res = await viewer.del(`/api/sessions/${amySession.id}`);
    expect(res.status).toBe(403);
  });

  it('owner-only powers: admins get 403 with the reason, owners succeed', async () => {
    await reauth(admin);
    await reauth(owner);
    const settings = await owner.json<Settings>(owner.get('/api/settings'));
    const cases: { what: string; run: (c: ApiClient) => Promise<Response>; reason: RegExp; ok: number }[] = [
      { what: 'add an admin', run: (c) => c.post('/api/admins', { email: 'new@example.com', name: 'New', password: TEST_PASSWORD, role: 'admin' }), reason: /Only an owner can add, remove, promote or demote admins/, ok: 201 },
      { what: 'demote an admin to viewer', run: (c) => c.patch('/api/admins/new%40example.com', { role: 'viewer' }), reason: /Only an owner/, ok: 200 },
      { what: 'remove an admin', run: (c) => c.del('/api/admins/new%40example.com'), reason: /Only an owner/, ok: 204 },
      { what: 'change the deletion delay', run: (c) => c.put('/api/settings', { deletionDelayHours: 1, version: settings.version }), reason: /Only an owner can change the deletion delay/, ok: 200 },
      { what: 'change the 2FA requirement', run: (c) => c.put('/api/settings', { requireAdminMfa: true, version: settings.version + 1 }), reason: /Only an owner can change the deletion delay and the 2FA requirement/, ok: 409 },
      { what: 'change notification recipients', run: (c) => c.put('/api/notifications/settings', { extraRecipients: ['ops@example.com'], version: 0 }), reason: /Only an owner can change who receives notifications/, ok: 200 },
    ];
    for (const c of cases) {
      const refused = await c.run(admin);
      expect(refused.status, c.what).toBe(403);
      expect((await body(refused)).error.message, c.what).toMatch(c.reason);
      // 409 for the 2FA requirement: the owner has no 2FA yet, so the owner may try but is told to turn it on first.
      expect((await c.run(owner)).status, c.what).toBe(c.ok);
    }
    // What an admin keeps: the credit thresholds, the sender, their own sessions.
    const now = await owner.json<Settings>(owner.get('/api/settings'));
    expect((await admin.put('/api/settings', { creditAmber: '9', version: now.version })).status).toBe(200);
    expect((await admin.put('/api/notifications/settings', { from: 'panel@example.com', version: 1 })).status).toBe(200);
  });

  it("ending another admin's session is an owner's power; one's own role cannot be changed, and two owners demoting each other leave one owner", async () => {
    await reauth(admin);
    await reauth(owner);
    const sessions = (await owner.json<{ sessions: SessionInfo[] }>(owner.get('/api/sessions'))).sessions;
    const ownerSession = sessions.find((s) => s.adminEmail === 'owner@example.com' && !s.current);
    const ownersOther = ownerSession ?? (await (async () => {
      await signIn('owner@example.com');
      return (await owner.json<{ sessions: SessionInfo[] }>(owner.get('/api/sessions'))).sessions.find((s) => s.adminEmail === 'owner@example.com' && !s.current)!;
    })());
    const byAdmin = await admin.del(`/api/sessions/${ownersOther.id}`);
    expect(byAdmin.status).toBe(403);
    expect((await body(byAdmin)).error.message).toBe("Only an owner can end another admin's sessions.");
    const viewersSession = sessions.find((s) => s.adminEmail === 'val@example.com')!;
    expect((await owner.del(`/api/sessions/${viewersSession.id}`)).status).toBe(204);
    expect((await viewer.get('/api/auth/me')).status).toBe(401);

    const self = await owner.patch('/api/admins/owner%40example.com', { role: 'admin' });
    expect(self.status).toBe(409);
    // Two owners demoting each other at the same moment: one wins, never zero owners (the owner counter).
    expect((await owner.patch('/api/admins/amy%40example.com', { role: 'owner' })).status).toBe(200);
    await reauth(admin);
    await reauth(owner);
    const race = await Promise.all([owner.patch('/api/admins/amy%40example.com', { role: 'viewer' }), admin.patch('/api/admins/owner%40example.com', { role: 'viewer' })]);
    expect(race.map((r) => r.status).filter((s) => s === 200)).toHaveLength(1);
    const admins = (await owner.json<{ admins: { email: string; role: string }[] }>(owner.get('/api/admins'))).admins;
    expect(admins.filter((a) => a.role === 'owner')).toHaveLength(1);
    // The demoted one is a viewer from their next request on.
    const demoted = admins.find((a) => a.email === 'owner@example.com')!.role === 'viewer' ? owner : admin;
    expect((await demoted.put('/api/settings', { creditAmber: '8', version: 99 })).status).toBe(403);
    expect((await demoted.json<{ admin: { role: string } }>(demoted.get('/api/auth/me'))).admin.role).toBe('viewer');
  });
});
