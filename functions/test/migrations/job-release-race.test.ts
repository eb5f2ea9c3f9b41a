import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalDynamo } from '../../src/adapters/dynamodb/local-dynalite.ts';
import { makeManageJobs } from '../../src/modules/migrations/manage-jobs.ts';
import { makeQueueRun } from '../../src/modules/migrations/queue-run.ts';
import type { JobRecord, JobStore } from '../../src/modules/migrations/ports.ts';
import { buildMigrationStores, type MigrationStores } from '../../src/platform/composition/migration-stores.ts';
import { FakeClock } from '../support/test-runtime.ts';
import { makeJob } from './engine-fixture.ts';

// A run shows as ended a moment before it lets go of its job (finishRun: run → terminal, then slot, lease,
// job). An admin acting in that moment (edit credentials, delete the job) must not get a false 409: the job
// is idle, only its activeRunId changed from the ended run to nothing between our read and our write.
describe('editing, deleting, retrying or starting a job while its ended run lets go of it', () => {
  let dynamo: Awaited<ReturnType<typeof startLocalDynamo>>;
  let stores: MigrationStores;
  const clock = new FakeClock();
  let n = 0;

  beforeAll(async () => {
    dynamo = await startLocalDynamo({ tableName: 'pm-job-release-race' });
    stores = buildMigrationStores(dynamo.table);
  });
  afterAll(() => dynamo.close());

  /** A job whose run R (ended unless said otherwise) is still named as active: the release has not landed yet. */
  async function jobWithRun(state: 'cancelled' | 'running' = 'cancelled'): Promise<{ job: JobRecord; runId: string }> {
    const now = clock.now().toISOString();
    const { id } = await makeJob(stores);
    const runId = `run_race${(++n).toString().padStart(8, '0')}`;
    expect(await stores.jobs.claim(id, runId, null)).toBe(true);
    const created = await stores.runs.create({
      id: runId,
      jobId: id,
      kind: 'full',
      state,
      attempt: 1,
      retryOf: null,
      retriedBy: null,
      cancelRequested: false,
      createdAt: now,
      createdBy: 'test',
      startedAt: now,
      endedAt: state === 'running' ? null : now,
      heartbeatAt: null,
      progress: null,
      outcome: null,
      failureReason: null,
      version: 1,
      taskRef: null,
      logTail: [],
      dispatchAttempts: 1,
    });
    expect(created).toBe(true);
    return { job: (await stores.jobs.get(id))!, runId };
  }

  /** The job store with the run's release landing right before our first conditional write. */
  const racing = (jobId: string, runId: string): JobStore => {
    let released = false;
    const land = async () => {
      if (released) return;
      released = true;
      await stores.jobs.release(jobId, runId);
    };
    return {
      ...stores.jobs,
      replace: async (...args) => (await land(), stores.jobs.replace(...args)),
      delete: async (...args) => (await land(), stores.jobs.delete(...args)),
      claim: async (...args) => (await land(), stores.jobs.claim(...args)),
    };
  };
  const manage = (jobs: JobStore) =>
    makeManageJobs({ jobs, runs: stores.runs, servers: stores.servers, sealer: { seal: async (p: string) => `sealed:${p.length}` } as never, queueRun: (async () => undefined) as never, clock });

  it('credentials change: saved once, version + 1, no 409', async () => {
    const { job, runId } = await jobWithRun();
    const edited = await manage(racing(job.id, runId)).updateCredentials(job.id, { source: { user: 'new-user' }, version: job.version } as never);
    expect(edited.version).toBe(job.version + 1);
    expect((await stores.jobs.get(job.id))).toMatchObject({ version: job.version + 1, source: { user: 'new-user' } });
  });

  it('delete: the job is gone, no 409', async () => {
    const { job, runId } = await jobWithRun();
    await manage(racing(job.id, runId)).delete(job.id);
    expect(await stores.jobs.get(job.id)).toBeUndefined();
  });

  it('retry and start: the new run holds the job, no 409, one run queued', async () => {
    for (const how of ['retry', 'start'] as const) {
      const { job, runId } = await jobWithRun();
      const jobs = racing(job.id, runId);
      const queued: string[] = [];
      const queueRun = makeQueueRun({ jobs, runs: stores.runs, queue: { enqueue: async (id: string) => void queued.push(id) } as never, clock });
      const m = makeManageJobs({ jobs, runs: stores.runs, servers: stores.servers, sealer: {} as never, queueRun, clock });
      const run = how === 'retry' ? await m.retry(runId, 'test') : await m.start(job.id, 'full', 'test');
      expect(queued).toEqual([run.id]);
      expect(await stores.jobs.get(job.id)).toMatchObject({ activeRunId: run.id, latestRunId: run.id });
    }
  });

  it('a job whose run really is running is still refused, edit and delete alike (nothing changes)', async () => {
    const { job } = await jobWithRun('running');
    await expect(manage(stores.jobs).delete(job.id)).rejects.toMatchObject({ code: 'job_running' });
    await expect(manage(stores.jobs).updateCredentials(job.id, { source: { user: 'x' }, version: job.version } as never)).rejects.toMatchObject({ code: 'job_running' });
    expect(await stores.jobs.get(job.id)).toMatchObject({ version: job.version, source: { user: 'a' } });
  });

  it('a start that loses to another start is refused, and the winner keeps the job', async () => {
    const { job, runId } = await jobWithRun();
    await stores.jobs.release(job.id, runId);
    const idle = (await stores.jobs.get(job.id))!;
    const queueRun = makeQueueRun({ jobs: stores.jobs, runs: stores.runs, queue: { enqueue: async () => undefined } as never, clock });
    const winner = await queueRun(idle, 'full', { createdBy: 'a' });
    await expect(queueRun(idle, 'full', { createdBy: 'b' })).rejects.toMatchObject({ code: 'job_running' });
    expect(await stores.jobs.get(job.id)).toMatchObject({ activeRunId: winner.id });
  });
});
