import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startLocal, type LocalRuntime } from '../../src/local/start-local.ts';
import { LocalConfig } from '../../src/platform/config/local-config.ts';
import { parseConfig } from '../../src/platform/config/parse-config.ts';
import { createJsonLogger } from '../../src/platform/logger.ts';
import { ApiClient } from '../support/api-client.ts';
import { FakeClock, TEST_PASSWORD } from '../support/test-runtime.ts';

const DAY = 24 * 3600_000;
const dataDir = mkdtempSync(join(tmpdir(), 'pm-pending-restart-'));
const clock = new FakeClock();
const start = () =>
  startLocal(parseConfig(LocalConfig, { DATA_DIR: dataDir, PORT: '0', BUILD_WEB: 'false', PASSWORD_SCRYPT_LOG_N: '12', LOG_LEVEL: 'error' }), {
    logger: createJsonLogger({ level: 'error', write: () => {} }),
    clock,
  });

async function signIn(runtime: LocalRuntime, setup: boolean): Promise<ApiClient> {
  const client = new ApiClient(runtime.url);
  const res = setup
    ? await client.post('/api/setup', { token: new URL(runtime.setupUrl!).hash.replace('#token=', ''), email: 'owner@example.com', name: 'Olive Owner', password: TEST_PASSWORD })
    : await client.post('/api/auth/login', { email: 'owner@example.com', password: TEST_PASSWORD });
  expect(res.status).toBeLessThan(300);
  return client;
}

describe('pending actions across a restart', () => {
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('executes an action that fell due while the process was down, exactly once', async () => {
    // Prepare: request a deletion, then stop the process (its timer dies with it).
    const first = await start();
    const owner = await signIn(first, true);
    const requested = await owner.del(`/api/users/${encodeURIComponent('liam@northwind.example')}`);
    expect(requested.status).toBe(201);
    const { action } = (await requested.json()) as { action: { id: string } };
    await first.close();

    // Act: come back after executeAt.
    clock.advance(DAY + 60_000);
    const second = await start();
    await second.pendingSwept;

    // Assess: one deleteUser, the user gone, one audit entry, nothing pending.
    expect(second.sandbox!.requests().filter((r) => r.op === 'deleteUser').map((r) => r.body)).toEqual([{ userName: 'liam@northwind.example' }]);
    expect(second.sandbox!.state.users['liam@northwind.example']).toBeUndefined();
    const admin = await signIn(second, false);
    const overview = await admin.json<{ actions: unknown[]; finished: { id: string; status: string }[] }>(admin.get('/api/pending-actions'));
    expect(overview.actions).toEqual([]);
    expect(overview.finished).toEqual([expect.objectContaining({ id: action.id, status: 'done' })]);
    const audit = await admin.json<{ entries: { id: string }[] }>(admin.get('/api/audit?action=pending.execute'));
    expect(audit.entries.map((e) => e.id)).toEqual([`pending:${action.id}:executed`]);
    await second.close();

    // A further restart finds nothing to do.
    const third = await start();
    await third.pendingSwept;
    expect(third.sandbox!.requests().filter((r) => r.op === 'deleteUser')).toEqual([]);
    await third.close();
  });

  it('leaves an action that is not yet due pending after a restart', async () => {
    const runtime = await start();
    const owner = await signIn(runtime, false);
    const res = await owner.del(`/api/users/${encodeURIComponent('mei@northwind.example')}`);
    const { action } = (await res.json()) as { action: { id: string } };
    await runtime.close();
    const again = await start();
    await again.pendingSwept;
    // Not run early: still pending, the user intact.
    expect(again.sandbox!.state.users['mei@northwind.example']).toBeDefined();
    const admin = await signIn(again, false);
    const overview = await admin.json<{ actions: { id: string; status: string }[] }>(admin.get('/api/pending-actions'));
    expect(overview.actions).toEqual([expect.objectContaining({ id: action.id, status: 'pending' })]);
    await again.close();
  });
});
