import { isTerminalRunState, type CreateJobInput, type Job, type JobDetail, type RunKind, type UpdateJobCredentialsInput } from '@app/shared';
import type { Clock } from '../../platform/clock.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import type { SecretSealer } from '../secrets/ports.ts';
import { newId } from './ids.ts';
import { SEALED_KIND, type JobRecord, type JobStore, type RunRecord, type RunStore, type ServerStore } from './ports.ts';
import type { QueueRun } from './queue-run.ts';
import { toJobView, toRunView } from './views.ts';

/**
 * Jobs: source (server, user) → destination (server, user), passwords sealed on arrival.
 * Create: 1. Both servers exist  2. Seal each password bound to (side, job id)  3. Write the job
 *         4. Optionally queue a first run.
 * Edit credentials / delete: only while no run is in progress, conditional on the version and on the holder.
 */
export function makeManageJobs(deps: { jobs: JobStore; runs: RunStore; servers: ServerStore; sealer: SecretSealer; queueRun: QueueRun; clock: Clock }) {
  const load = async (id: string): Promise<JobRecord> => {
    const job = await deps.jobs.get(id);
    if (!job) throw new NotFoundError('There is no such job.');
    return job;
  };
  const assertIdle = async (job: JobRecord) => {
    if (!job.activeRunId) return;
    const run = await deps.runs.get(job.activeRunId);
    if (run && !isTerminalRunState(run.state)) throw new ConflictError('A run of this job is in progress; cancel it or wait for it to end.', 'job_running');
  };
  /**
   * A conditional write on an idle job, tried twice: a run that just ended lets go of its job (activeRunId →
   * null) a moment after it shows as ended, which fails the condition although nothing that matters changed.
   * `write` returns undefined when its condition failed; the second failure is the caller's conflict.
   */
  const onIdleJob = async <T>(id: string, write: (job: JobRecord) => Promise<T | undefined>, conflict: () => Error): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      const job = await load(id);
      await assertIdle(job);
      const done = await write(job);
      if (done !== undefined) return done;
      if (attempt === 2) throw conflict();
    }
  };
  const latest = async (job: JobRecord): Promise<RunRecord | undefined> => (job.latestRunId ? deps.runs.get(job.latestRunId) : undefined);
  const seal = (side: 'source' | 'dest', jobId: string, password: string) => deps.sealer.seal(password, { kind: SEALED_KIND[side], id: jobId });
  /** A new idle job with both passwords sealed under its own id. */
  const newJob = async (input: Omit<CreateJobInput, 'start'>, actor: string, now: Date): Promise<JobRecord> => {
    const id = newId('job', now);
    return {
      id,
      name: input.name,
      source: { serverId: input.source.serverId, user: input.source.user, sealedPassword: await seal('source', id, input.source.password) },
      dest: { serverId: input.dest.serverId, user: input.dest.user, sealedPassword: await seal('dest', id, input.dest.password) },
      options: input.options,
      createdAt: now.toISOString(),
      createdBy: actor,
      updatedAt: now.toISOString(),
      version: 1,
      latestRunId: null,
      activeRunId: null,
    };
  };

  return {
    async list(): Promise<Job[]> {
      const jobs = await deps.jobs.list();
      return Promise.all(jobs.map(async (j) => toJobView(j, await latest(j))));
    },
    async detail(id: string): Promise<JobDetail> {
      const job = await load(id);
      const runs = await deps.runs.listForJob(id);
      return { job: toJobView(job, runs.find((r) => r.id === job.latestRunId)), runs: runs.map(toRunView) };
    },
    /**
     * For bulk creation (batches): the job records of many inputs, each password sealed bound to its job id,
     * each distinct server checked once. Nothing is written: the caller writes them in bulk, before any run.
     */
    async prepareMany(inputs: readonly Omit<CreateJobInput, 'start'>[], actor: string): Promise<JobRecord[]> {
      const serverIds = new Set(inputs.flatMap((i) => [i.source.serverId, i.dest.serverId]));
      for (const serverId of serverIds) {
        if (!(await deps.servers.get(serverId))) throw new ValidationError('A server of this batch does not exist.', [{ path: 'serverId', message: `${serverId} is not a saved server` }]);
      }
      const now = deps.clock.now();
      return Promise.all(
        inputs.map((input) => newJob(input, actor, now)),
      );
    },
    async create(input: CreateJobInput, actor: string): Promise<JobDetail> {
      for (const side of ['source', 'dest'] as const) {
        if (!(await deps.servers.get(input[side].serverId))) throw new ValidationError(`The ${side} server does not exist.`, [{ path: `${side}.serverId`, message: 'is not a saved server' }]);
      }
      const now = deps.clock.now();
      const job = await newJob(input, actor, now);
      await deps.jobs.create(job);
      if (input.start === 'none') return { job: toJobView(job, undefined), runs: [] };
      const run = await deps.queueRun(job, input.start, { createdBy: actor });
      return { job: toJobView({ ...job, latestRunId: run.id, activeRunId: run.id }, run), runs: [toRunView(run)] };
    },
    async updateCredentials(id: string, input: UpdateJobCredentialsInput): Promise<Job> {
      return onIdleJob(
        id,
        async (job) => {
          if (job.version !== input.version) throw new ConflictError('Someone else changed this job meanwhile. Reload and try again.', 'stale_version');
          const next: JobRecord = { ...job, updatedAt: deps.clock.now().toISOString(), version: job.version + 1 };
          for (const side of ['source', 'dest'] as const) {
            const change = input[side];
            if (!change) continue;
            next[side] = {
              ...job[side],
              ...(change.user !== undefined ? { user: change.user } : {}),
              ...(change.password !== undefined ? { sealedPassword: await seal(side, id, change.password) } : {}),
            };
          }
          if (!(await deps.jobs.replace(next, { version: job.version, activeRunId: job.activeRunId }))) return undefined;
          return toJobView(next, await latest(next));
        },
        () => new ConflictError('This job was started or changed meanwhile. Reload and try again.', 'stale_version'),
      );
    },
    async delete(id: string): Promise<JobRecord> {
      const job = await onIdleJob(
        id,
        async (j) => ((await deps.jobs.delete(id, j.activeRunId)) ? j : undefined),
        () => new ConflictError('This job was started meanwhile; cancel the run first.', 'job_running'),
      );
      await deps.runs.deleteForJob(id);
      return job;
    },
    async start(id: string, kind: RunKind, actor: string) {
      return toRunView(await deps.queueRun(await load(id), kind, { createdBy: actor }));
    },
    /** Manual retry of an ended run that did not succeed; marks it retried so no automatic retry doubles it. */
    async retry(runId: string, actor: string) {
      const run = await deps.runs.get(runId);
      if (!run) throw new NotFoundError('There is no such run.');
      if (!isTerminalRunState(run.state) || run.state === 'succeeded') throw new ConflictError('Only a failed, cancelled or interrupted run can be retried.', 'not_retryable');
      const job = await load(run.jobId);
      await assertIdle(job);
      const id = newId('run', deps.clock.now());
      if (!(await deps.runs.markRetried(run.id, id))) throw new ConflictError('This run was already retried.', 'already_retried');
      return toRunView(await deps.queueRun(job, run.kind, { createdBy: actor, retryOf: run, id }));
    },
  };
}
export type ManageJobs = ReturnType<typeof makeManageJobs>;
