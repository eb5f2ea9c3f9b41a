import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../support/api-client.ts';
import { body } from '../support/api-client.ts';
import { FakeClock, startTestRuntime, TEST_PASSWORD, type TestRuntime } from '../support/test-runtime.ts';
import { totpCode } from './totp-code.ts';

// "Require 2FA for every admin": owners only, and an admin without 2FA reaches only the set-up routes.
describe('requireAdminMfa', () => {
  let t: TestRuntime;
  let owner: ApiClient;
  let pat: ApiClient;
  const clock = new FakeClock();

  beforeAll(async () => {
    t = await startTestRuntime({}, clock);
    owner = await t.setupOwner();
    await owner.post('/api/admins', { email: 'pat@example.com', name: 'Pat', password: TEST_PASSWORD, role: 'admin' });
    pat = t.anonymous();
    await pat.post('/api/auth/login', { email: 'pat@example.com', password: TEST_PASSWORD });
  });
  afterAll(() => t.close());

  const secrets: Record<string, string> = {};
  const enrol = async (client: ApiClient, who: string) => {
    const { secret } = await client.json<{ secret: string }>(client.post('/api/account/mfa/enrol', {}));
    const res = await client.post('/api/account/mfa/confirm', { code: totpCode(secret, clock), password: TEST_PASSWORD });
    expect(res.status).toBe(200);
    secrets[who] = secret;
    clock.advance(30_000);
  };

  it('only an owner who uses 2FA can turn it on', async () => {
    expect(await owner.json(owner.get('/api/settings'))).toMatchObject({ requireAdminMfa: false });

    const byAdmin = await pat.put('/api/settings', { requireAdminMfa: true, version: 0 });
    expect(byAdmin.status).toBe(403);
    expect((await body(byAdmin)).error.message).toMatch(/Only an owner/);
    // An admin may still save other settings, sending the flag unchanged.
    expect((await pat.put('/api/settings', { creditAmber: '6', requireAdminMfa: false, version: 0 })).status).toBe(200);

    const ownerWithout = await owner.put('/api/settings', { requireAdminMfa: true, version: 1 });
    expect(ownerWithout.status).toBe(409);
    expect((await body(ownerWithout)).error.message).toMatch(/your own account first/);

    await enrol(owner, 'owner');
    const on = await owner.put('/api/settings', { requireAdminMfa: true, version: 1 });
    expect(on.status).toBe(200);
    expect(await on.json()).toMatchObject({ requireAdminMfa: true, creditAmber: '6', version: 2 });
    const { entries } = await owner.json<{ entries: { action: string; details?: string }[] }>(owner.get('/api/audit?action=settings.update&limit=1'));
    expect(entries[0]!.details).toContain('requireAdminMfa');
  });

  it('an admin without 2FA gets 403 mfa_enrolment_required everywhere but me, logout and the set-up routes', async () => {
    const me = await pat.json<{ mfaEnrolmentRequired: boolean; mfaEnabled: boolean }>(pat.get('/api/auth/me'));
    expect(me).toMatchObject({ mfaEnrolmentRequired: true, mfaEnabled: false });
    const fresh = t.anonymous();
    expect(await fresh.json(fresh.post('/api/auth/login', { email: 'pat@example.com', password: TEST_PASSWORD }))).toMatchObject({ mfaEnrolmentRequired: true });

    for (const [method, path] of [
      ['GET', '/api/sessions'],
      ['GET', '/api/settings'],
      ['GET', '/api/dashboard'],
      ['GET', '/api/admins'],
      ['POST', '/api/account/password'],
      ['DELETE', '/api/sessions/' + 'a'.repeat(64)],
    ] as const) {
      const res = await pat.request(method, path, method === 'GET' || method === 'DELETE' ? undefined : {});
      expect(res.status, `${method} ${path}`).toBe(403);
      const b = await body(res);
      expect(b.error.code).toBe('mfa_enrolment_required');
      expect(b.error.message).toMatch(/Set up two-factor authentication/);
    }
    expect((await pat.get('/api/account/mfa')).status).toBe(200);
    expect((await fresh.post('/api/auth/logout')).status).toBe(204);

    await enrol(pat, 'pat');
    expect((await pat.get('/api/sessions')).status).toBe(200);
    expect(await pat.json(pat.get('/api/auth/me'))).toMatchObject({ mfaEnrolmentRequired: false, mfaEnabled: true });
  });

  it('an admin who turns 2FA off is back to enrolment only, and owners see the state of each admin', async () => {
    const { admins } = await owner.json<{ admins: { email: string; mfaEnabled: boolean }[] }>(owner.get('/api/admins'));
    expect(admins.map((a) => [a.email, a.mfaEnabled]).sort()).toEqual([
      ['owner@example.com', true],
      ['pat@example.com', true],
    ]);

    const off = await pat.post('/api/account/mfa/disable', { password: TEST_PASSWORD, code: totpCode(secrets.pat!, clock) });
    expect(off.status).toBe(204);
    expect(await pat.json(pat.get('/api/auth/me'))).toMatchObject({ mfaEnrolmentRequired: true, mfaEnabled: false });
    expect((await pat.get('/api/sessions')).status).toBe(403);
  });
});
