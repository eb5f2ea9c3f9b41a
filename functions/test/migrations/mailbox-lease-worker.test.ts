import type { JobDetail, Run } from '@app/shared';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailboxLeaseKey, WAITING_FOR_MAILBOX } from '../../src/modules/migrations/mailbox-lease.ts';
import type { ApiClient } from '../support/api-client.ts';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';
import { sleep, waitFor } from './engine-fixture.ts';

const STAND_IN = join(import.meta.dirname, '..', '..', '..', 'migrator-container', 'test', 'stand-in', 'imapsync');

/**
 * QM-6 end to end: the real worker (child process) and the imapsync stand-in at recorded timing. Two jobs into
 * one mailbox, started together: the second waits with its reason shown by the API, the worker's heartbeats
 * renew the lease while the first runs, and the second runs once the first has ended.
 */
describe('one writer per mailbox with the real worker', () => {
  let t: TestRuntime;
  let owner: ApiClient;
  beforeAll(async () => {
    process.env.IMAPSYNC_STANDIN_FIXTURE = '01-success';
    process.env.IMAPSYNC_STANDIN_SPEED = '2';
    t = await startTestRuntime({ IMAPSYNC_COMMAND: STAND_IN, MIGRATION_HEARTBEAT_SECONDS: '0.5', MIGRATION_RETRY_DELAY_SECONDS: '0.2' });
    owner = await t.setupOwner();
  }, 60_000);
  afterAll(async () => {
    delete process.env.IMAPSYNC_STANDIN_SPEED;
    await t?.close();
  });

  it('never runs the two at once; the waiting one says why; heartbeats renew the lease; both succeed', async () => {
    const post = async <T>(path: string, body: unknown) => (await (await owner.post(path, body)).json()) as T;
    const source = await post<{ id: string }>('/api/migrations/servers', { name: 'Old host', host: '127.0.0.1', port: 1143, tls: 'none', verifyCert: false });
    const dest = await post<{ id: string }>('/api/migrations/servers', { name: 'Lab', host: '127.0.0.1', port: 2143, tls: 'none' });
    const job = (name: string, user: string) => post<JobDetail>('/api/migrations/jobs', { name, source: { serverId: source.id, user: name, password: 'pw-source' }, dest: { serverId: dest.id, user, password: 'pw-dest' }, start: 'full' });
    const ids = [(await job('ann', 'Ann@New.Example')).runs[0]!.id, (await job('ann2', 'ann@new.example')).runs[0]!.id];
    const key = mailboxLeaseKey('127.0.0.1', 'ann@new.example').key;

    const active = new Set(['starting', 'running']);
    let overlap = 0;
    const reasons = new Set<string | null | undefined>();
    const untils = new Set<number>();
    for (const end = Date.now() + 60_000; Date.now() < end; ) {
      const runs = await Promise.all(ids.map(async (id) => (await (await owner.get(`/api/migrations/runs/${id}`)).json()) as Run));
      if (runs.every((r) => active.has(r.state))) overlap++;
      for (const r of runs) if (r.state === 'queued') reasons.add(r.waitingReason);
      if (runs.some((r) => r.state === 'running')) untils.add((await t.runtime.migrations.stores.leases.get(key))?.until.getTime() ?? 0);
      if (runs.every((r) => r.state === 'succeeded' || r.state === 'failed')) {
        expect(runs.map((r) => r.state)).toEqual(['succeeded', 'succeeded']);
        break;
      }
      await sleep(50);
    }
    expect(overlap).toBe(0);
    expect(reasons).toContain(WAITING_FOR_MAILBOX);
    // The lease's end moved while the runs went on: the worker's heartbeats renewed it.
    expect(untils.size).toBeGreaterThan(2);
    // The worker records the end first, then gives back slot, lease and job: the lease goes a moment later.
    await waitFor('the lease to be released', async () => (await t.runtime.migrations.stores.leases.get(key)) === undefined);
  }, 90_000);
});
