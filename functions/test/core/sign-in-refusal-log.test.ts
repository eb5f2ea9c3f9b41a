import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFUSED_SIGN_IN_LOG } from '../../src/modules/auth/log-in.ts';
import { totpCode, wrongCode } from '../mfa/totp-code.ts';
import { ApiClient, body } from '../support/api-client.ts';
import { FakeClock, startTestRuntime, TEST_PASSWORD, type TestRuntime } from '../support/test-runtime.ts';

type Line = { level: string; message: string; step?: string; outcome?: string; email?: string | null; ip?: string; requestId?: string };

// AS-5 / IP-4: every refused sign-in writes one structured line, which infra's auth-failure alarm counts
// (metric filter on `$.message = "sign-in refused"`). Nothing secret is in it.
describe('refused sign-in log line', () => {
  let t: TestRuntime;
  let owner: ApiClient;
  const clock = new FakeClock();
  const secrets: string[] = [TEST_PASSWORD]; // every password, code and token the tests send: none may be logged

  beforeAll(async () => {
    t = await startTestRuntime({ LOGIN_ACCOUNT_FAILURES_BEFORE_BACKOFF: '2' }, clock);
    owner = await t.setupOwner();
  });
  afterAll(() => t.close());

  const refusals = (): Line[] => t.logs.map((l) => JSON.parse(l) as Line).filter((l) => l.message === REFUSED_SIGN_IN_LOG);
  /** The refusal lines written while `act` runs. */
  async function linesDuring(act: () => Promise<void>): Promise<Line[]> {
    const before = refusals().length;
    await act();
    return refusals().slice(before);
  }

  it('writes one warn line per wrong password, known account or not, with the typed email and the request id', async () => {
    const wrongPassword = 'not the password 1';
    secrets.push(wrongPassword);
    for (const email of ['owner@example.com', 'nobody@example.com']) {
      let requestId = '';
      const lines = await linesDuring(async () => {
        const res = await t.anonymous().post('/api/auth/login', { email, password: wrongPassword });
        expect(res.status).toBe(401);
        requestId = (await body(res)).error.requestId ?? '';
      });
      expect(lines).toEqual([{ level: 'warn', time: expect.any(String), message: 'sign-in refused', step: 'password', outcome: 'wrong', email, ip: expect.stringMatching(/\S/), requestId }]);
    }
    // The same email the audit entry names as the actor; a made-up account gets no entry, only a count (issue 15).
    const { entries } = await owner.json<{ entries: { actor: string; result: string }[] }>(owner.get('/api/audit?action=auth.login&limit=50'));
    expect(entries.filter((e) => e.result === 'failed').map((e) => e.actor)).toEqual(['owner@example.com']);
  });

  it('logs attempts refused by the throttle as throttled, even with the right password', async () => {
    const lines = await linesDuring(async () => {
      // One more wrong password reaches the backoff (2 before it here); then even the right one gets 429.
      expect((await t.anonymous().post('/api/auth/login', { email: 'owner@example.com', password: 'not the password 2' })).status).toBe(401);
      expect((await t.anonymous().post('/api/auth/login', { email: 'owner@example.com', password: TEST_PASSWORD })).status).toBe(429);
    });
    secrets.push('not the password 2');
    expect(lines.map((l) => [l.step, l.outcome, l.email])).toEqual([
      ['password', 'wrong', 'owner@example.com'],
      ['password', 'throttled', 'owner@example.com'],
    ]);
    clock.advance(60 * 60_000); // past the backoff and the IP window
  });

  it('writes nothing for a successful sign-in or for input that is not a sign-in attempt (400)', async () => {
    const lines = await linesDuring(async () => {
      expect((await t.anonymous().post('/api/auth/login', { email: 'owner@example.com', password: TEST_PASSWORD })).status).toBe(200);
      expect((await t.anonymous().post('/api/auth/login', { email: 'owner@example.com' })).status).toBe(400);
    });
    expect(lines).toEqual([]);
  });

  it('logs a wrong 2FA code as a refusal of the 2fa step, naming the admin and never the code', async () => {
    // A fresh session: the owner's first one idled out while the clock jumped past the backoff.
    const admin = t.anonymous();
    expect((await admin.post('/api/auth/login', { email: 'owner@example.com', password: TEST_PASSWORD })).status).toBe(200);
    secrets.push(admin.cookie!.split('=')[1]!);
    const { secret } = await admin.json<{ secret: string }>(admin.post('/api/account/mfa/enrol'));
    const confirm = await admin.post('/api/account/mfa/confirm', { code: totpCode(secret, clock), password: TEST_PASSWORD });
    expect(confirm.status).toBe(200);
    const { recoveryCodes } = (await confirm.json()) as { recoveryCodes: string[] };
    clock.advance(30_000);
    const code = wrongCode(secret, clock);
    secrets.push(secret, code, ...recoveryCodes);

    const lines = await linesDuring(async () => {
      const first = await t.anonymous().post('/api/auth/login', { email: 'owner@example.com', password: TEST_PASSWORD });
      expect(first.status).toBe(200);
      const { challenge } = (await first.json()) as { challenge: string };
      secrets.push(challenge);
      expect((await t.anonymous().post('/api/auth/login/mfa', { challenge, code })).status).toBe(401);
      // An unknown challenge names nobody.
      expect((await t.anonymous().post('/api/auth/login/mfa', { challenge: 'x'.repeat(43), code })).status).toBe(401);
    });
    expect(lines.map((l) => [l.step, l.outcome, l.email])).toEqual([
      ['2fa', 'wrong', 'owner@example.com'],
      ['2fa', 'wrong', null],
    ]);
  });

  it('never logs a password, code, challenge or session token', () => {
    expect(refusals().length).toBeGreaterThanOrEqual(6);
    const all = t.logs.join('\n');
    for (const s of [...secrets, owner.cookie!.split('=')[1]!]) expect(all).not.toContain(s);
    expect(secrets.length).toBeGreaterThanOrEqual(8);
  });
});
