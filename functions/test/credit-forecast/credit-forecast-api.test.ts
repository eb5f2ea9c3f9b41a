import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dashboard } from '@app/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api-client.ts';
import { FakeClock, startTestRuntime, TEST_PASSWORD, type TestRuntime } from '../support/test-runtime.ts';

const DAY = 86_400_000;

// Issue 18 (credit forecast): days of spending simulated with the sandbox's credit control route (over HTTP)
// and a test clock; each day one "Refresh from PurelyMail" keeps the reading.
describe('credit forecast', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pm-forecast-'));
  const clock = new FakeClock(Date.parse('2026-11-01T09:00:00Z'));
  let t: TestRuntime;
  let owner: ApiClient;
  const outbox = () => join(dataDir, 'outbox');
  const subjects = () =>
    existsSync(outbox())
      ? readdirSync(outbox())
          .filter((f) => f.endsWith('.eml'))
          .sort()
          .map((f) => /^Subject: (.*)\r$/m.exec(readFileSync(join(outbox(), f), 'utf8'))?.[1])
      : [];
  const setCredit = async (credit: string) => {
    const res = await fetch(`${t.runtime.sandbox!.url}/__sandbox/credit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ credit }) });
    expect(res.status).toBe(200);
  };
  /** The clock moves on; the admin signs in again (a session does not last days). */
  const advance = async (ms: number) => {
    clock.advance(ms);
    owner = new ApiClient(t.runtime.url);
    expect((await owner.post('/api/auth/login', { email: 'owner@example.com', password: TEST_PASSWORD })).status).toBe(200);
  };
  /** One simulated day: the balance as PurelyMail shows it, a refresh, then the clock moves on a day. */
  const day = async (credit: string) => {
    await setCredit(credit);
    expect((await owner.post('/api/sync', {})).status).toBe(200);
    await advance(DAY);
  };
  const dashboard = async () => Dashboard.parse(await owner.json(owner.get('/api/dashboard')));

  beforeAll(async () => {
    t = await startTestRuntime({ DATA_DIR: dataDir, MAIL_FROM: 'panel@example.com' }, clock);
    owner = await t.setupOwner();
  });
  afterAll(async () => {
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('says plainly that there is not enough history for the first days', async () => {
    for (let i = 0; i < 3; i++) await day(String(30 - i * 0.5));
    const { forecast } = await dashboard();
    expect(forecast).toMatchObject({ status: 'not_enough_history', historyDays: 3, daysLeft: null, alertBelowDays: 14 });
    expect(forecast!.points.map((p) => p.credit)).toEqual(['30', '29.5', '29']);
  });

  it('several refreshes in one day keep one reading for that day (the last)', async () => {
    await setCredit('28.9');
    await owner.post('/api/sync', {});
    await day('28.5');
    const { forecast } = await dashboard();
    expect(forecast!.historyDays).toBe(4);
    expect(forecast!.points.at(-1)).toEqual({ day: '2026-11-04', credit: '28.5' });
  });

  it('after a week of spending $0.50 a day: days left to the red threshold at that rate', async () => {
    for (let i = 4; i < 8; i++) await day(String(30 - i * 0.5)); // 28 … 26.5
    const { forecast } = await dashboard();
    // $26.50 − $2.00 (red) = $24.50 at $0.50/day = 49 days from the last reading (8 Nov).
    expect(forecast).toMatchObject({ status: 'forecast', historyDays: 8, burnPerDay: '0.50', daysLeft: 49, reachesRedOn: '2026-12-27' });
    expect(subjects()).toEqual([]);
  });

  it('emails the admins once when the forecast drops below the setting, not at every refresh; recovering re-arms it', async () => {
    // The admin asks to hear of it below 60 days (audited as a settings change).
    const settings = await owner.json<{ version: number }>(owner.get('/api/settings'));
    expect((await owner.put('/api/settings', { creditForecastDays: 60, version: settings.version })).status).toBe(200);
    expect((await owner.json<{ entries: { action: string; result: string }[] }>(owner.get('/api/audit?action=settings.update&limit=1'))).entries[0]).toMatchObject({ result: 'ok' });
    await day('26');
    const sent = subjects();
    expect(sent).toEqual(['PurelyMail credit runs low in about 48 days']); // one admin: one email
    const eml = readdirSync(outbox()).filter((f) => f.endsWith('.eml')).map((f) => readFileSync(join(outbox(), f), 'utf8')).join('\n');
    expect(eml).toContain('$0.50 a day');
    expect(eml).toContain('reaches the red threshold of $2.00 in about 48 days');
    await day('25.5');
    await day('25');
    expect(subjects()).toEqual(sent);
    // A top-up: the forecast recovers above 60 days (re-armed), then spending brings it back down: one more email.
    await day('100');
    expect((await dashboard()).forecast!.daysLeft).toBeGreaterThan(60);
    expect(subjects()).toEqual(sent);
    const back = await owner.json<{ version: number }>(owner.get('/api/settings'));
    expect((await owner.put('/api/settings', { creditForecastDays: 300, version: back.version })).status).toBe(200);
    await day('99.5');
    expect(subjects()).toHaveLength(2);
    // Re-armed by a top-up, then four refreshes at once see the forecast drop below the setting: one email.
    await day('200');
    expect((await dashboard()).forecast!.daysLeft).toBeGreaterThan(300);
    expect(subjects()).toHaveLength(2);
    await setCredit('120');
    const refreshes = await Promise.all([1, 2, 3, 4].map(() => owner.post('/api/sync', {})));
    expect(refreshes.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect((await dashboard()).forecast!.daysLeft).toBeLessThan(300);
    expect(subjects()).toHaveLength(3);
  });

  it('says the balance is not falling when nothing was spent for a month', async () => {
    await advance(31 * DAY);
    for (let i = 0; i < 8; i++) await day('99.5');
    expect((await dashboard()).forecast).toMatchObject({ status: 'not_falling', historyDays: 8, daysLeft: null });
  });

  it('refuses a setting that is not a whole number of days', async () => {
    const s = await owner.json<{ version: number }>(owner.get('/api/settings'));
    const res = await owner.put('/api/settings', { creditForecastDays: 2.5, version: s.version });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain('must be a whole number of days');
  });
});
