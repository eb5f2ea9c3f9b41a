import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHALLENGE_EXPIRED } from '../../src/modules/auth/mfa-challenge.ts';
import { WRONG_CODE } from '../../src/modules/auth/complete-mfa-login.ts';
import { ApiClient, body } from '../support/api-client.ts';
import { FakeClock, startTestRuntime, TEST_PASSWORD, type TestRuntime } from '../support/test-runtime.ts';
import { totpCode, wrongCode } from '../mfa/totp-code.ts';

const WINDOW = 16 * 60_000; // past the IP bucket's 15-minute window and the account's longest lock

/** How many answers had each status, e.g. { 401: 5, 429: 19 }. */
const tally = (statuses: number[]) => statuses.reduce<Record<number, number>>((m, s) => ({ ...m, [s]: (m[s] ?? 0) + 1 }), {});

// Issue 15 (medium): sign-in, the 2FA step and step-up re-auth checked the limit, then the password, then counted
// the failure; a new window reset the counter without a condition. These bursts are real parallel requests
// against the local runtime (dynalite, the HTTP server); the counts are what the audit measured.
describe('parallel sign-in bursts', () => {
  let t: TestRuntime;
  let owner: ApiClient;
  const clock = new FakeClock();
  const bucket = async (key: string) =>
    (await t.runtime.table.doc.send(new GetCommand({ TableName: t.runtime.table.name, Key: { pk: `THROTTLE#${key}`, sk: 'THROTTLE' }, ConsistentRead: true }))).Item as { failures: number; lockedUntil?: number } | undefined;

  beforeAll(async () => {
    // Sessions outlive the bursts' clock jumps.
    t = await startTestRuntime({ SESSION_IDLE_MINUTES: '1440', SESSION_ABSOLUTE_HOURS: '720' }, clock);
    owner = await t.setupOwner();
    // A second admin to attack (the owner's own session stays usable for the re-auth burst).
    expect((await owner.post('/api/admins', { email: 'amy@example.com', name: 'Amy', password: TEST_PASSWORD, role: 'admin' })).status).toBe(201);
  });
  afterAll(() => t.close());

  it('24 wrong passwords in one burst: at most 5 are checked, the rest refused unchecked, and the right one sent after is refused too', async () => {
    const burst = await Promise.all(Array.from({ length: 24 }, (_, i) => t.anonymous().post('/api/auth/login', { email: 'amy@example.com', password: `wrong password number ${i}` })));
    const counts = tally(burst.map((r) => r.status));
    expect(Object.keys(counts).sort()).toEqual(Object.keys(counts).filter((s) => s === '401' || s === '429').sort());
    expect(counts[401]).toBeGreaterThanOrEqual(1);
    expect(counts[401]).toBeLessThanOrEqual(5);
    expect((counts[401] ?? 0) + (counts[429] ?? 0)).toBe(24);
    // Every checked attempt is counted: the stored streak equals the 401s, and the lock is set.
    const account = await bucket('account#amy@example.com');
    expect(account!.failures).toBe(counts[401]);
    if (counts[401] === 5) expect(account!.lockedUntil).toBeGreaterThan(clock.now().getTime());
    const right = await t.anonymous().post('/api/auth/login', { email: 'amy@example.com', password: TEST_PASSWORD });
    expect(right.status).toBe(429);
    // After the lock (30 s), the right password works and ends the streak.
    clock.advance(31_000);
    if ((counts[401] ?? 0) < 5) {
      // A burst that ended on contention left no lock: nothing to wait for.
      expect(account!.lockedUntil ?? 0).toBeLessThanOrEqual(clock.now().getTime());
    }
    expect((await t.anonymous().post('/api/auth/login', { email: 'amy@example.com', password: TEST_PASSWORD })).status).toBe(200);
    expect(await bucket('account#amy@example.com')).toBeUndefined();
  });

  it('40 parallel wrong passwords from one IP (40 accounts): the IP bucket counts every checked one and checks no more than its 30', async () => {
    clock.advance(WINDOW);
    const burst = await Promise.all(Array.from({ length: 40 }, (_, i) => t.anonymous().post('/api/auth/login', { email: `nobody${i}@example.com`, password: 'not the password at all' })));
    const counts = tally(burst.map((r) => r.status));
    expect(counts).toEqual({ 401: 30, 429: 10 });
    expect((await bucket('ip#127.0.0.1'))!.failures).toBe(30);
    // The window is full: the owner's right password from this IP waits too (one generic 429).
    const right = await t.anonymous().post('/api/auth/login', { email: 'owner@example.com', password: TEST_PASSWORD });
    expect(right.status).toBe(429);
    expect((await body(right)).error.message).toMatch(/Too many sign-in attempts/);
  });

  it('59 wrong codes on one 2FA challenge (limit 5): at most 5 are checked, then the challenge is gone and the right code cannot pass', async () => {
    clock.advance(WINDOW);
    const amy = t.anonymous();
    expect((await amy.post('/api/auth/login', { email: 'amy@example.com', password: TEST_PASSWORD })).status).toBe(200);
    const { secret } = await amy.json<{ secret: string }>(amy.post('/api/account/mfa/enrol'));
    expect((await amy.post('/api/account/mfa/confirm', { code: totpCode(secret, clock), password: TEST_PASSWORD })).status).toBe(200);
    clock.advance(30_000);

    const first = await t.anonymous().post('/api/auth/login', { email: 'amy@example.com', password: TEST_PASSWORD });
    const { challenge } = (await first.json()) as { challenge: string };
    const wrong = wrongCode(secret, clock);
    const burst = await Promise.all(Array.from({ length: 59 }, () => t.anonymous().post('/api/auth/login/mfa', { challenge, code: wrong })));
    const messages = await Promise.all(burst.map(async (r) => `${r.status} ${(await body(r)).error.message}`));
    const checked = messages.filter((m) => m === `401 ${WRONG_CODE}`).length;
    expect(checked).toBeGreaterThanOrEqual(1);
    expect(checked).toBeLessThanOrEqual(5);
    expect(messages.filter((m) => m !== `401 ${WRONG_CODE}` && m !== `401 ${CHALLENGE_EXPIRED}` && !m.startsWith('429 '))).toEqual([]);
    const right = await t.anonymous().post('/api/auth/login/mfa', { challenge, code: totpCode(secret, clock) });
    expect([401, 429]).toContain(right.status);
    expect(right.headers.getSetCookie()).toEqual([]);
  });

  it('step-up re-auth: 20 parallel wrong passwords check at most 5, then the right one is refused until the lock ends', async () => {
    clock.advance(WINDOW);
    const burst = await Promise.all(Array.from({ length: 20 }, (_, i) => owner.clone().post('/api/auth/reauth', { password: `wrong re-auth password ${i}` })));
    const counts = tally(burst.map((r) => r.status));
    expect(counts[400]).toBeGreaterThanOrEqual(1);
    expect(counts[400]).toBeLessThanOrEqual(5);
    expect((counts[400] ?? 0) + (counts[429] ?? 0)).toBe(20);
    expect((await bucket('account#owner@example.com'))!.failures).toBe(counts[400]);
    if (counts[400] === 5) expect((await owner.post('/api/auth/reauth', { password: TEST_PASSWORD })).status).toBe(429);
  });
});
