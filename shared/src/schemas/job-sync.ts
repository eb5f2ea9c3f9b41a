import * as z from 'zod';
import { lazySchema } from '../lazy-schema.ts';
import { RunState } from './migration.ts';

/**
 * "Keep this job in sync every N hours until <date>" (issue 19, the schedules used alone): one recurring schedule
 * per migration job; each firing starts a normal full run (imapsync copies only what is new). It ends by itself at
 * `until`, when the job is deleted, or after `stopAfterFailures` failed passes in a row (the admins get an email).
 */

export const JOB_SYNC_MIN_HOURS = 1;
export const JOB_SYNC_MAX_HOURS = 168;
export const JOB_SYNC_DEFAULT_HOURS = 6;
/** How far ahead `until` may be: a standalone sync bridges a cutover, it is not a permanent mirror. */
export const JOB_SYNC_MAX_DAYS = 30;
export const JOB_SYNC_DEFAULT_STOP_AFTER_FAILURES = 3;

/** `active`: passes fire; `ended`: `until` has passed; `stopped`: failed passes in a row stopped it (see `stoppedReason`). */
export const JobSyncState = lazySchema(() => z.enum(['active', 'ended', 'stopped']));
export type JobSyncState = z.infer<typeof JobSyncState>;

export const JobSyncLastRun = lazySchema(() => z.object({ runId: z.string(), state: RunState, endedAt: z.string().nullable() }));
export type JobSyncLastRun = z.infer<typeof JobSyncLastRun>;

export const JobSyncSchedule = lazySchema(() =>
  z.object({
    jobId: z.string(),
    /** The recurring schedule's name (EventBridge Scheduler / the local scheduler). */
    name: z.string(),
    everyHours: z.number().int().min(JOB_SYNC_MIN_HOURS).max(JOB_SYNC_MAX_HOURS),
    until: z.string(),
    stopAfterFailures: z.number().int().min(1).max(20),
    state: JobSyncState,
    createdAt: z.string(),
    createdBy: z.string(),
    updatedAt: z.string(),
    /** When the next pass fires (null once it is not active). */
    nextAt: z.string().nullable(),
    /** Passes that started a run. */
    passesDone: z.number().int().min(0),
    /** Ended passes that failed, in a row (a success resets it). */
    consecutiveFailures: z.number().int().min(0),
    lastPassAt: z.string().nullable(),
    /** Why the last firing started nothing (e.g. a run was in progress); null when it started a run. */
    lastSkip: z.string().nullable(),
    /** The run the schedule waits for (counted when it ends). */
    currentRunId: z.string().nullable(),
    lastRun: JobSyncLastRun.nullable(),
    stoppedAt: z.string().nullable(),
    stoppedReason: z.string().nullable(),
    version: z.number().int().min(1),
  }),
);
export type JobSyncSchedule = z.infer<typeof JobSyncSchedule>;

/** PUT /api/migrations/jobs/:id/sync: create or change the schedule. `until` is an ISO date-time with its offset. */
export const SetJobSyncInput = lazySchema(() =>
  z.strictObject({
    everyHours: z.number({ error: 'must be a whole number of hours' }).int('must be a whole number of hours').min(JOB_SYNC_MIN_HOURS, `must be at least ${JOB_SYNC_MIN_HOURS}`).max(JOB_SYNC_MAX_HOURS, `must be at most ${JOB_SYNC_MAX_HOURS} (a week)`).default(JOB_SYNC_DEFAULT_HOURS),
    until: z.iso.datetime({ offset: true, error: 'must be a date and time, e.g. 2026-12-24T18:00:00Z' }),
  }),
);
export type SetJobSyncInput = z.infer<typeof SetJobSyncInput>;

/** GET /api/migrations/jobs/:id/sync: the schedule, or null when the job has none (`inMove`: a domain move keeps the job in sync). */
export const JobSyncView = lazySchema(() => z.object({ schedule: JobSyncSchedule.nullable(), inMove: z.string().nullable() }));
export type JobSyncView = z.infer<typeof JobSyncView>;
