import { JOB_SYNC_DEFAULT_STOP_AFTER_FAILURES, type JobSyncSchedule, type JobSyncView, type Run, type SetJobSyncInput } from '@app/shared';
import type { AuditInput } from '../audit/audit.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import type { RecurringScheduler } from '../domain-moves/ports.ts';
import type { Notification } from '../notifications/send-notification.ts';
import { renderEmail } from '../notifications/render-email.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import { countSyncRun, endIfPast, syncScheduleName, untilProblem } from './job-sync-rules.ts';
import type { JobSyncStore } from './ports.ts';

export interface JobSyncDeps {
  store: JobSyncStore;
  scheduler: RecurringScheduler;
  /** The job's name, or undefined when it does not exist. */
  jobName(jobId: string): Promise<string | undefined>;
  /** The domain whose move holds this job, or null: a move's own passes keep its jobs in sync. */
  moveOf(jobId: string): Promise<string | null>;
  /** Queues a full run (the migrations module's own start: it refuses with ConflictError `job_running` while a run is active). */
  startRun(jobId: string, actor: string): Promise<{ id: string }>;
  readRun(runId: string): Promise<Run | undefined>;
  notify(n: Notification): Promise<unknown>;
  audit: { record(input: AuditInput): Promise<unknown> };
  clock: Clock;
  logger: Logger;
  panelUrl: string;
}

const SYSTEM = 'system (job sync)';
const MAX_WRITE_ATTEMPTS = 6;
export const RUN_IN_PROGRESS = 'skipped: a run is in progress';

export type JobSyncTickResult = { jobId: string; did: string };

/**
 * "Keep this job in sync every N hours until <date>": one recurring schedule per job through the RecurringScheduler
 * port (EventBridge Scheduler with EndDate on AWS, the Clock-driven one locally). Each firing queues a normal full
 * run unless one is active; the run's end is counted (RunEnded, or the next firing), and K failures in a row stop
 * the schedule with an email to the admins. Writes are conditional on `version`: of parallel requests one wins.
 */
export function makeJobSync(deps: JobSyncDeps) {
  const { store, clock, logger } = deps;
  const now = () => clock.now();
  const iso = () => now().toISOString();
  const jobLink = (jobId: string) => ({ url: `${deps.panelUrl}/migrations/jobs/${encodeURIComponent(jobId)}`, label: 'Open the job' });

  const record = (action: string, target: string, details: string, actor = SYSTEM) =>
    deps.audit.record({ actor, action, target, result: 'ok', ip: '-', userAgent: 'job sync', details: details.slice(0, 1000) }).catch((err: unknown) => logger.warn('job sync audit failed', { error: (err as Error).message }));

  /** Applies `change` to the stored schedule with the version condition; re-reads when another write won. undefined: none stored. */
  const update = async (jobId: string, change: (s: JobSyncSchedule) => JobSyncSchedule): Promise<JobSyncSchedule | undefined> => {
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const current = await store.get(jobId);
      if (!current) return undefined;
      const changed = change(current);
      if (changed === current) return current;
      const next = { ...changed, updatedAt: iso(), version: current.version + 1 };
      if (await store.replace(next, current.version)) return next;
    }
    throw new ConflictError('The schedule kept changing while this request tried to save; reload and try again.', 'stale_version');
  };

  /** Ends a schedule past its date (and removes it from the scheduler: EventBridge keeps a schedule past its EndDate). */
  const settleEnded = async (s: JobSyncSchedule): Promise<JobSyncSchedule> => {
    if (endIfPast(s, now()) === s) return s;
    const after = (await update(s.jobId, (cur) => endIfPast(cur, now()))) ?? s;
    await deps.scheduler.remove(s.name);
    if (after.state === 'ended' && s.state === 'active') await record('migration.sync_schedule.stop', s.jobId, `${s.name}: ended as planned (until ${s.until}) after ${after.passesDone} passes`);
    return after;
  };

  /** Counts the run the schedule waits for; on the K-th failure in a row: schedule removed, admins emailed, audited. */
  const reconcile = async (jobId: string): Promise<JobSyncSchedule | undefined> => {
    const s = await store.get(jobId);
    if (!s?.currentRunId) return s;
    const run = await deps.readRun(s.currentRunId);
    let stopped = false;
    const after = await update(jobId, (cur) => {
      const c = countSyncRun(cur, cur.currentRunId === run?.id ? run : undefined, now());
      stopped = c.stoppedNow;
      return c.schedule;
    });
    if (stopped && after) {
      await deps.scheduler.remove(after.name);
      await record('migration.sync_schedule.stop', jobId, `${after.name}: ${after.stoppedReason}`);
      const name = (await deps.jobName(jobId)) ?? jobId;
      await deps
        .notify({
          eventId: `job-sync-stop:${jobId}:${after.createdAt}:${after.lastRun?.runId ?? ''}`,
          ...renderEmail({
            subject: `Job ${name}: keeping in sync stopped after ${after.consecutiveFailures} failed passes`,
            intro: `The last ${after.consecutiveFailures} scheduled passes of the migration job ${name} failed, so its "keep in sync" schedule has stopped. Fix the cause (the run's log says it), then set the schedule again on the job's page.`,
            facts: [['Job', name], ['Failed passes in a row', String(after.consecutiveFailures)], ['Passes done', String(after.passesDone)], ['Last run', after.lastRun ? `${after.lastRun.state} (${after.lastRun.runId})` : 'none'], ['Why', after.stoppedReason ?? '']],
            link: jobLink(jobId),
          }),
        })
        .catch((err: unknown) => logger.warn('job sync stop email failed', { jobId, error: (err as Error).message }));
    }
    return after;
  };

  const checkInput = async (jobId: string, input: SetJobSyncInput) => {
    if (!(await deps.jobName(jobId))) throw new NotFoundError('There is no such job.');
    const domain = await deps.moveOf(jobId);
    if (domain) throw new ConflictError(`This job belongs to the move of ${domain}: the move's passes already keep it in sync, so it cannot have a schedule of its own.`, 'job_in_move');
    const until = new Date(input.until);
    const problem = untilProblem(until, now());
    if (problem) throw new ValidationError(`The end date ${problem}.`, [{ path: 'until', message: problem }]);
    return until;
  };

  return {
    async view(jobId: string): Promise<JobSyncView> {
      if (!(await deps.jobName(jobId))) throw new NotFoundError('There is no such job.');
      const [stored, inMove] = await Promise.all([reconcile(jobId), deps.moveOf(jobId)]);
      return { schedule: stored ? await settleEnded(stored) : null, inMove };
    },

    /** Creates the schedule (replacing an ended or stopped one); 409 when an active one exists. */
    async create(jobId: string, input: SetJobSyncInput, actor: string): Promise<JobSyncSchedule> {
      const until = await checkInput(jobId, input);
      const existing = await store.get(jobId);
      if (existing && (await settleEnded(existing)).state === 'active') throw new ConflictError('This job is already kept in sync; change or stop its schedule instead.', 'sync_exists');
      const name = syncScheduleName(jobId);
      const everyMinutes = input.everyHours * 60;
      const s: JobSyncSchedule = {
        jobId,
        name,
        everyHours: input.everyHours,
        until: until.toISOString(),
        stopAfterFailures: JOB_SYNC_DEFAULT_STOP_AFTER_FAILURES,
        state: 'active',
        createdAt: iso(),
        createdBy: actor,
        updatedAt: iso(),
        nextAt: new Date(now().getTime() + everyMinutes * 60_000).toISOString(),
        passesDone: 0,
        consecutiveFailures: 0,
        lastPassAt: null,
        lastSkip: null,
        currentRunId: null,
        lastRun: null,
        stoppedAt: null,
        stoppedReason: null,
        version: 1,
      };
      const written = existing ? await store.replace({ ...s, version: existing.version + 1 }, existing.version) : await store.create(s);
      if (!written) throw new ConflictError('Someone else set this schedule meanwhile; reload to see it.', 'stale_version');
      await deps.scheduler.put(name, { everyMinutes, until, event: { kind: 'job-sync', jobId } });
      return existing ? { ...s, version: existing.version + 1 } : s;
    },

    /** Changes the interval and end date of an active schedule (failures in a row are kept). */
    async update(jobId: string, input: SetJobSyncInput): Promise<JobSyncSchedule> {
      const until = await checkInput(jobId, input);
      const existing = await store.get(jobId);
      if (!existing || (await settleEnded(existing)).state !== 'active') throw new NotFoundError('This job has no active sync schedule; set one first.');
      const everyMinutes = input.everyHours * 60;
      const after = await update(jobId, (cur) => {
        if (cur.state !== 'active') throw new ConflictError('The schedule stopped meanwhile; set a new one.', 'sync_stopped');
        const nextAt = cur.everyHours === input.everyHours ? cur.nextAt : new Date(now().getTime() + everyMinutes * 60_000).toISOString();
        return { ...cur, everyHours: input.everyHours, until: until.toISOString(), nextAt };
      });
      await deps.scheduler.put(existing.name, { everyMinutes, until, event: { kind: 'job-sync', jobId } });
      return after!;
    },

    /** Stops and forgets the schedule (the runs it started stay). */
    async remove(jobId: string): Promise<JobSyncSchedule> {
      const existing = await store.get(jobId);
      if (!existing) throw new NotFoundError('This job has no sync schedule.');
      await deps.scheduler.remove(existing.name);
      await store.remove(jobId);
      return existing;
    },

    /** The job was deleted: its schedule goes with it. */
    async onJobDeleted(jobId: string, actor: string): Promise<void> {
      const existing = await store.get(jobId);
      await deps.scheduler.remove(syncScheduleName(jobId));
      if (!existing) return;
      await store.remove(jobId);
      if (existing.state === 'active') await record('migration.sync_schedule.stop', jobId, `${existing.name}: the job was deleted by ${actor}`);
    },

    /** One firing: count the last pass, then start a run unless one is active. Idempotent; a schedule over or gone is removed. */
    async tick(jobId: string): Promise<JobSyncTickResult> {
      const name = syncScheduleName(jobId);
      const stored = await store.get(jobId);
      if (!stored || !(await deps.jobName(jobId))) {
        await deps.scheduler.remove(name);
        if (stored) {
          await store.remove(jobId);
          await record('migration.sync_schedule.stop', jobId, `${name}: the job no longer exists`);
        }
        return { jobId, did: 'schedule removed: the job or its schedule is gone' };
      }
      const counted = (await reconcile(jobId)) ?? stored;
      const s = await settleEnded(counted);
      if (s.state !== 'active') {
        await deps.scheduler.remove(name);
        return { jobId, did: `schedule removed: it is ${s.state}` };
      }
      // A job adopted by a domain move since: the move's passes keep it in sync now, so this schedule stops (said, never doubled).
      const domain = await deps.moveOf(jobId);
      if (domain) {
        const reason = `Stopped: the job joined the move of ${domain}, whose passes keep it in sync.`;
        await update(jobId, (cur) => (cur.state === 'active' ? { ...cur, state: 'stopped', nextAt: null, stoppedAt: iso(), stoppedReason: reason } : cur));
        await deps.scheduler.remove(name);
        await record('migration.sync_schedule.stop', jobId, `${name}: ${reason}`);
        return { jobId, did: `schedule removed: the job belongs to the move of ${domain}` };
      }
      // A duplicate delivery (a retry) within half an interval is not a new pass.
      const minGapMs = (s.everyHours * 3_600_000) / 2;
      if (s.lastPassAt && now().getTime() - Date.parse(s.lastPassAt) < minGapMs) return { jobId, did: 'pass skipped: one ran less than half an interval ago' };
      const nextAt = new Date(now().getTime() + s.everyHours * 3_600_000).toISOString();
      let runId: string | null = null;
      let skip: string | null = null;
      try {
        runId = (await deps.startRun(jobId, SYSTEM)).id;
      } catch (err) {
        if (!(err instanceof ConflictError) || err.code !== 'job_running') throw err;
        skip = RUN_IN_PROGRESS;
      }
      await update(jobId, (cur) => ({ ...cur, lastPassAt: iso(), nextAt, lastSkip: skip, ...(runId ? { passesDone: cur.passesDone + 1, currentRunId: runId } : {}) }));
      if (runId) await reconcile(jobId); // a run that ended already (RunEnded found no schedule waiting for it yet)
      return { jobId, did: runId ? `run ${runId} queued` : skip! };
    },

    /** A run ended somewhere: the schedule waiting for it counts it now. */
    async onRunEnded(runId: string): Promise<void> {
      const run = await deps.readRun(runId);
      if (!run) return;
      const s = await store.get(run.jobId);
      if (s?.currentRunId === runId) await reconcile(run.jobId);
    },

    /**
     * The sweep (every 5 minutes): schedules past their date are marked ended and audited within minutes, although
     * no firing comes after the end date (EventBridge deletes the schedule itself; the local one drops it).
     */
    async sweep(): Promise<{ ended: number }> {
      let ended = 0;
      for (const s of await store.listActive()) if ((await settleEnded(s)).state === 'ended') ended++;
      return { ended };
    },

    /** Active schedules (the local runtime re-arms them at start). */
    async schedules(): Promise<{ name: string; everyMinutes: number; until: Date; jobId: string }[]> {
      return (await store.listActive()).map((s) => ({ name: s.name, everyMinutes: s.everyHours * 60, until: new Date(s.until), jobId: s.jobId }));
    },
  };
}
export type JobSync = ReturnType<typeof makeJobSync>;
