import { isTerminalRunState, JobOptions, type CreateJobInput, type DestCredential, type Job, type JobDetail, type RunKind, type UpdateJobCredentialsInput } from '@app/shared';
import type { Clock } from '../../platform/clock.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { PurelyMailApiError } from '../purelymail/errors.ts';
import type { SecretSealer } from '../secrets/ports.ts';
import { migrationAppPasswordName } from '../app-passwords/app-passwords.ts';
import { mapLimit } from '../batches/batch-ids.ts';
import { newId } from './ids.ts';
import { SEALED_KIND, type DestAppPasswords, type JobRecord, type JobStore, type RunRecord, type RunStore, type ServerStore } from './ports.ts';
import type { QueueRun } from './queue-run.ts';
import { toJobView, toRunView } from './views.ts';

/**
 * Jobs: source (server, user) → destination (server, user), passwords sealed on arrival.
 * Create: 1. Both servers exist  2. Seal each password bound to (side, job id)  3. Write the job
 *         4. Optionally queue a first run.
 * Edit credentials / delete: only while no run is in progress, conditional on the version and on the holder.
 * No destination password: an app password is created on the destination mailbox (PurelyMail) for the job and
 * sealed like a typed one; deleting the job deletes it, and a run after the sweep deleted it makes a new one.
 */
export function makeManageJobs(deps: { jobs: JobStore; runs: RunStore; servers: ServerStore; sealer: SecretSealer; queueRun: QueueRun; clock: Clock; appPasswords?: DestAppPasswords }) {
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
  /** A fresh app password on the destination mailbox, sealed for the job as a typed password would be. */
  const appPasswordFor = async (job: { id: string; name: string; user: string }, actor: string, campaignId?: string): Promise<{ sealed: string; credential: DestCredential }> => {
    if (!deps.appPasswords) throw new ValidationError('Give the destination password: this panel cannot create app passwords.', [{ path: 'dest.password', message: 'is required' }]);
    const name = migrationAppPasswordName(job.name);
    let made: Awaited<ReturnType<DestAppPasswords['create']>>;
    try {
      made = await deps.appPasswords.create({ mailbox: job.user, name, purpose: 'migration', actor, jobId: job.id, ...(campaignId ? { campaignId } : {}) });
    } catch (err) {
      if (err instanceof PurelyMailApiError && err.code !== 'invalidToken') {
        throw new ValidationError(`PurelyMail could not create an app password for ${job.user} (${err.message}): give its password, or create the mailbox first.`, [
          { path: 'dest.password', message: 'is needed: the destination is not a mailbox of this PurelyMail account' },
        ]);
      }
      throw err;
    }
    return { sealed: await seal('dest', job.id, made.secret), credential: { kind: 'app_password', appPasswordId: made.record.id, name } };
  };
  /** A new idle job with both passwords sealed under its own id (the destination's made as an app password when not given). */
  const newJob = async (input: Omit<CreateJobInput, 'start'>, actor: string, now: Date): Promise<JobRecord> => {
    const id = newId('job', now);
    const sourceSealed = await seal('source', id, input.source.password);
    const dest = input.dest.password !== undefined ? { sealed: await seal('dest', id, input.dest.password), credential: { kind: 'typed' } as const } : await appPasswordFor({ id, name: input.name, user: input.dest.user }, actor);
    return {
      id,
      name: input.name,
      source: { serverId: input.source.serverId, user: input.source.user, sealedPassword: sourceSealed },
      dest: { serverId: input.dest.serverId, user: input.dest.user, sealedPassword: dest.sealed },
      destCredential: dest.credential,
      options: input.options,
      createdAt: now.toISOString(),
      createdBy: actor,
      updatedAt: now.toISOString(),
      version: 1,
      latestRunId: null,
      activeRunId: null,
    };
  };

  const release = (jobId: string, actor: string) => deps.appPasswords?.releaseForJob(jobId, actor);
  /**
   * Before a run: a job whose app password the sweep deleted (unused for days) gets a new one, so a delta run
   * months later still logs in. One conditional write on the idle job.
   */
  const withLiveCredential = async (job: JobRecord, actor: string): Promise<JobRecord> => {
    const c = job.destCredential;
    if (c?.kind !== 'app_password' || !deps.appPasswords || (await deps.appPasswords.exists(c.appPasswordId))) return job;
    await assertIdle(job);
    const dest = await appPasswordFor({ id: job.id, name: job.name, user: job.dest.user }, actor);
    const next: JobRecord = { ...job, dest: { ...job.dest, sealedPassword: dest.sealed }, destCredential: dest.credential, updatedAt: deps.clock.now().toISOString(), version: job.version + 1 };
    if (!(await deps.jobs.replace(next, { version: job.version, activeRunId: job.activeRunId }))) {
      await release(job.id, actor);
      throw new ConflictError('This job was started or changed meanwhile. Reload and try again.', 'stale_version');
    }
    return next;
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
      // Rows without a destination password each cost a PurelyMail call: a few at a time, not a thousand at once.
      // If one fails, the app passwords already made have no job: the sweep deletes them after an hour.
      return mapLimit(inputs, 8, (input) => newJob(input, actor, now));
    },
    async create(input: CreateJobInput, actor: string): Promise<JobDetail> {
      for (const side of ['source', 'dest'] as const) {
        if (!(await deps.servers.get(input[side].serverId))) throw new ValidationError(`The ${side} server does not exist.`, [{ path: `${side}.serverId`, message: 'is not a saved server' }]);
      }
      const now = deps.clock.now();
      const job = await newJob(input, actor, now);
      try {
        await deps.jobs.create(job);
      } catch (err) {
        await release(job.id, actor);
        throw err;
      }
      if (input.start === 'none') return { job: toJobView(job, undefined), runs: [] };
      const run = await deps.queueRun(job, input.start, { createdBy: actor });
      return { job: toJobView({ ...job, latestRunId: run.id, activeRunId: run.id }, run), runs: [toRunView(run)] };
    },
    /**
     * A copy between two mailboxes of this PurelyMail account (an off-boarding's archive copy): nobody types a
     * password. 1. Both mailboxes get an app password made for the job (named after it)  2. each is sealed for its
     * side like a typed password  3. the job is written and a full run queued. If any step fails, the app passwords
     * already made are deleted at once. They are the job's: `releaseForJob` deletes both.
     */
    async createInsideAccount(input: { name: string; serverId: string; sourceUser: string; destUser: string }, actor: string): Promise<JobDetail> {
      if (!deps.appPasswords) throw new ValidationError('This panel cannot create app passwords, so it cannot copy between mailboxes by itself.', [{ path: 'archive', message: 'is not available' }]);
      if (!(await deps.servers.get(input.serverId))) throw new ValidationError('The IMAP server chosen for the copy does not exist.', [{ path: 'archive.serverId', message: 'is not a saved server' }]);
      const now = deps.clock.now();
      const id = newId('job', now);
      let job: JobRecord;
      try {
        const source = await deps.appPasswords.create({ mailbox: input.sourceUser, name: migrationAppPasswordName(input.name), purpose: 'migration', actor, jobId: id });
        const dest = await appPasswordFor({ id, name: input.name, user: input.destUser }, actor);
        job = {
          id,
          name: input.name,
          source: { serverId: input.serverId, user: input.sourceUser, sealedPassword: await seal('source', id, source.secret) },
          dest: { serverId: input.serverId, user: input.destUser, sealedPassword: dest.sealed },
          destCredential: dest.credential,
          options: JobOptions.parse({}),
          createdAt: now.toISOString(),
          createdBy: actor,
          updatedAt: now.toISOString(),
          version: 1,
          latestRunId: null,
          activeRunId: null,
        };
        await deps.jobs.create(job);
      } catch (err) {
        await release(id, actor);
        throw err;
      }
      const run = await deps.queueRun(job, 'full', { createdBy: actor });
      return { job: toJobView({ ...job, latestRunId: run.id, activeRunId: run.id }, run), runs: [toRunView(run)] };
    },
    async updateCredentials(id: string, input: UpdateJobCredentialsInput): Promise<Job> {
      return onIdleJob(
        id,
        async (job) => {
          if (job.version !== input.version) throw new ConflictError('Someone else changed this job meanwhile. Reload and try again.', 'stale_version');
          const next: JobRecord = { ...job, updatedAt: deps.clock.now().toISOString(), version: job.version + 1 };
          if (input.dest?.password !== undefined) next.destCredential = { kind: 'typed' };
          else if (job.destCredential?.kind === 'app_password' && input.dest?.user !== undefined && input.dest.user.toLowerCase() !== job.dest.user.toLowerCase()) {
            throw new ValidationError(`This job signs in with an app password made on ${job.dest.user}; for another destination mailbox give its password, or create a new job.`, [
              { path: 'dest.password', message: 'is needed to change the destination mailbox' },
            ]);
          }
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
          // A typed destination password replaces the panel's app password: that one is no longer needed.
          if (job.destCredential?.kind === 'app_password' && next.destCredential?.kind === 'typed') await release(id, 'job credentials replaced');
          return toJobView(next, await latest(next));
        },
        () => new ConflictError('This job was started or changed meanwhile. Reload and try again.', 'stale_version'),
      );
    },
    async delete(id: string, actor = 'the panel'): Promise<JobRecord> {
      const job = await onIdleJob(
        id,
        async (j) => ((await deps.jobs.delete(id, j.activeRunId)) ? j : undefined),
        () => new ConflictError('This job was started meanwhile; cancel the run first.', 'job_running'),
      );
      await deps.runs.deleteForJob(id);
      await release(id, actor);
      return job;
    },
    async start(id: string, kind: RunKind, actor: string) {
      return toRunView(await deps.queueRun(await withLiveCredential(await load(id), actor), kind, { createdBy: actor }));
    },
    /** Manual retry of an ended run that did not succeed; marks it retried so no automatic retry doubles it. */
    async retry(runId: string, actor: string) {
      const run = await deps.runs.get(runId);
      if (!run) throw new NotFoundError('There is no such run.');
      if (!isTerminalRunState(run.state) || run.state === 'succeeded') throw new ConflictError('Only a failed, cancelled or interrupted run can be retried.', 'not_retryable');
      const job = await withLiveCredential(await load(run.jobId), actor);
      await assertIdle(job);
      const id = newId('run', deps.clock.now());
      if (!(await deps.runs.markRetried(run.id, id))) throw new ConflictError('This run was already retried.', 'already_retried');
      return toRunView(await deps.queueRun(job, run.kind, { createdBy: actor, retryOf: run, id }));
    },
  };
}
export type ManageJobs = ReturnType<typeof makeManageJobs>;
