import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_CREDIT, SEED_RULES, SEED_USER_COUNT } from '../../src/local/purelymail-sandbox/sandbox-seed.ts';
import { body, type ApiClient } from '../support/api-client.ts';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

describe('dashboard', () => {
  let t: TestRuntime;
  let owner: ApiClient;
  beforeAll(async () => {
    t = await startTestRuntime();
    owner = await t.setupOwner();
  });
  afterAll(() => t.close());

  it('shows the sandbox totals and credit after a sync, and reads only the cache afterwards', async () => {
    const empty = await owner.json<{ credit: unknown; totals: { users: number } }>(owner.get('/api/dashboard'));
    expect(empty.credit).toBeNull();
    const synced = await owner.json<{ totals: { users: number; domains: number; rules: number }; credit: { amount: string; display: string; level: string }; sandbox: boolean; syncedAt: string }>(
      owner.post('/api/sync'),
    );
    expect(synced.totals.users).toBe(SEED_USER_COUNT);
    expect(synced.totals.rules).toBe(SEED_RULES.length);
    expect(synced.totals.domains).toBe(Object.keys(t.runtime.sandbox!.state.domains).length);
    expect(synced.credit.amount).toBe(SEED_CREDIT);
    expect(synced.credit.display).toMatch(/^\$\d+\.\d\d$/);
    expect(synced.sandbox).toBe(true);
    const dash = synced as unknown as { dns: { total: number; passing: number; failing: string[] }; migrations: { total: number } };
    const state = t.runtime.sandbox!.state.domains as Record<string, { dnsSummary: Record<string, boolean> }>;
    const failing = Object.entries(state).filter(([, d]) => Object.values(d.dnsSummary).includes(false)).map(([name]) => name).sort();
    expect(failing.length).toBeGreaterThan(0);
    expect(dash.dns).toEqual({ total: Object.keys(state).length, passing: Object.keys(state).length - failing.length, failing });
    expect(dash.migrations.total).toBe(0);

    t.runtime.sandbox!.clearRequests();
    for (let i = 0; i < 3; i++) await owner.get('/api/dashboard');
    expect(t.runtime.sandbox!.requests()).toEqual([]);
  });

  it('colours the credit by the thresholds in settings', async () => {
    t.runtime.sandbox!.setCredit('1.999999999999999999999999999999');
    const red = await owner.json<{ credit: { level: string; display: string } }>(owner.post('/api/sync'));
    expect(red.credit).toMatchObject({ level: 'red', display: '$1.99' });
    t.runtime.sandbox!.setCredit('4.5');
    expect((await owner.json<{ credit: { level: string } }>(owner.post('/api/sync'))).credit.level).toBe('amber');
    await owner.put('/api/settings', { creditAmber: '4', creditRed: '1', version: 0 });
    expect((await owner.json<{ credit: { level: string } }>(owner.get('/api/dashboard'))).credit.level).toBe('ok');
  });

  it('reports health, and 503 with the reason when PurelyMail is down', async () => {
    // A fresh runtime: a healthy answer is cached for 30 s so monitors do not turn into API calls.
    const t2 = await startTestRuntime();
    try {
      t2.runtime.sandbox!.injectFault({ op: 'getOwnershipCode', status: 503, count: 20 });
      const res = await t2.anonymous().get('/api/health');
      expect(res.status).toBe(503);
      expect((await body(res)).purelymail).toMatch(/unreachable/);
      t2.runtime.sandbox!.clearFaults();
      // An unhealthy answer is never cached: recovery shows at once.
      expect(await body(await t2.anonymous().get('/api/health'))).toMatchObject({ ok: true, store: 'ok', purelymail: 'ok', mode: 'sandbox' });
    } finally {
      await t2.close();
    }
  });
});
