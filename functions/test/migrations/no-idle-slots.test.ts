import type { JobDetail, Run } from '@app/shared';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../support/api-client.ts';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';
import { waitFor } from './engine-fixture.ts';

const STAND_IN = join(import.meta.dirname, '..', '..', '..', 'migrator-container', 'test', 'stand-in', 'imapsync');

// A batch at concurrency 1 through the real local runtime (queue, dispatcher, child-process workers running
// the stand-in). The re-offer delay is 30 s: before, a freed slot stayed idle until the next run's delayed
// re-offer (5.5–12.8 s gaps were measured with 15 s); now the end of a run offers the next waiting run at once.
describe('no idle slots: the end of a run starts the next waiting run at once', () => {
  let t: TestRuntime;
  let owner: ApiClient;
  let source: { id: string };
  let dest: { id: string };
  const RETRY_DELAY_S = 30;

  beforeAll(async () => {
    process.env.IMAPSYNC_STANDIN_FIXTURE = '01-success';
    process.env.IMAPSYNC_STANDIN_SPEED = '0';
    t = await startTestRuntime({ IMAPSYNC_COMMAND: STAND_IN, MIGRATION_CONCURRENCY: '1', MIGRATION_RETRY_DELAY_SECONDS: String(RETRY_DELAY_S), MIGRATION_HEARTBEAT_SECONDS: '15' });
    owner = await t.setupOwner();
    const post = async <T>(path: string, body: unknown) => (await (await owner.post(path, body)).json()) as T;
    source = await post('/api/migrations/servers', { name: 'Old host', host: '127.0.0.1', port: 1143, tls: 'none', verifyCert: false });
    dest = await post('/api/migrations/servers', { name: 'Lab', host: '127.0.0.1', port: 2143, tls: 'none', verifyCert: false });
  }, 60_000);
  afterAll(() => t?.close());

  const run = async (id: string) => (await (await owner.get(`/api/migrations/runs/${id}`)).json()) as Run;
  const newJob = async (i: number, destUser: string) => {
    const res = await owner.post('/api/migrations/jobs', { name: `job ${i}`, source: { serverId: source.id, user: `user${i}`, password: 'pw' }, dest: { serverId: dest.id, user: destUser, password: 'pw' }, start: 'full' });
    expect(res.status).toBe(201);
    return ((await res.json()) as JobDetail).runs[0]!;
  };

  it('4 runs at concurrency 1: each starts when the previous ends, in order, never two at once', async () => {
    const runs: Run[] = [];
    for (let i = 0; i < 4; i++) runs.push(await newJob(i, `user${i}@new.example`));
    const ended = await waitFor('all runs to end', async () => {
      const all = await Promise.all(runs.map((r) => run(r.id)));
      return all.every((r) => r.state === 'succeeded') && all;
    }, 60_000);
    for (let i = 1; i < ended.length; i++) {
      const gapMs = Date.parse(ended[i]!.startedAt!) - Date.parse(ended[i - 1]!.endedAt!);
      // Started after the previous ended (the limit holds) and long before its 30 s re-offer would have come.
      expect(gapMs).toBeGreaterThanOrEqual(0);
      expect(gapMs).toBeLessThan((RETRY_DELAY_S * 1000) / 3);
    }
  });

  it('a run waiting for its mailbox starts as soon as the run writing into it ends', async () => {
    const settings = (await (await owner.get('/api/migrations/settings')).json()) as { version: number };
    await owner.put('/api/migrations/settings', { concurrency: 3, version: settings.version });
    process.env.IMAPSYNC_STANDIN_SPEED = '0.5';
    const first = await newJob(10, 'shared@new.example');
    await waitFor('the first run to be running', async () => (await run(first.id)).state === 'running');
    process.env.IMAPSYNC_STANDIN_SPEED = '0';
    const second = await newJob(11, 'shared@new.example');
    await waitFor('the second run to wait for the mailbox', async () => (await run(second.id)).waitingReason !== null);
    const [a, b] = await waitFor('both to end', async () => {
      const both = await Promise.all([run(first.id), run(second.id)]);
      return both.every((r) => r.state === 'succeeded') && both;
    }, 60_000);
    const gapMs = Date.parse(b!.startedAt!) - Date.parse(a!.endedAt!);
    expect(gapMs).toBeGreaterThanOrEqual(0);
    expect(gapMs).toBeLessThan((RETRY_DELAY_S * 1000) / 3);
  });
});
