import * as z from 'zod';
import { lazySchema } from '../lazy-schema.ts';
import { ExitClass } from './imapsync.ts';
import { Job, RunState } from './migration.ts';

/**
 * Batches: many jobs created together (a CSV import or a campaign launch), watched and acted on as one,
 * with one summary email when all of them have ended. No schema here carries a password.
 */

export const BatchOrigin = lazySchema(() => z.enum(['csv', 'campaign']));
export type BatchOrigin = z.infer<typeof BatchOrigin>;

/** `dry-first`: the first run of every job is a dry run; the admin then runs it for real. */
export const BatchMode = lazySchema(() => z.enum(['dry-first', 'full']));
export type BatchMode = z.infer<typeof BatchMode>;

/** `open` while any job's latest run may still change; `finished` once all ended (the summary email went). */
export const BatchState = lazySchema(() => z.enum(['open', 'finished']));
export type BatchState = z.infer<typeof BatchState>;

export const Batch = lazySchema(() =>
  z.object({
    id: z.string(),
    name: z.string(),
    origin: BatchOrigin,
    campaignId: z.string().nullable(),
    mode: BatchMode,
    createdAt: z.string(),
    createdBy: z.string(),
    /** Jobs when the batch was created (deleted jobs leave it). */
    jobCount: z.number().int(),
    state: BatchState,
    /** 1 for the first pass; every action that queues runs after the batch finished starts the next round. */
    round: z.number().int(),
    finishedAt: z.string().nullable(),
    /** Jobs whose latest run failed or was interrupted when this round finished; absent while open (and on batches finished before it was kept). */
    failedJobs: z.number().int().nonnegative().optional(),
    /** Jobs whose latest run was cancelled when this round finished. */
    cancelledJobs: z.number().int().nonnegative().optional(),
  }),
);
export type Batch = z.infer<typeof Batch>;

export const BatchList = lazySchema(() => z.object({ batches: z.array(Batch) }));
export type BatchList = z.infer<typeof BatchList>;

/** Jobs per state of their latest run; `notStarted` = no run yet. */
export const BatchCounts = lazySchema(() =>
  z.object({
    total: z.number().int(),
    notStarted: z.number().int(),
    queued: z.number().int(),
    starting: z.number().int(),
    running: z.number().int(),
    succeeded: z.number().int(),
    failed: z.number().int(),
    cancelled: z.number().int(),
    interrupted: z.number().int(),
  }),
);
export type BatchCounts = z.infer<typeof BatchCounts>;

/** Across all jobs' latest runs. Totals add only what imapsync announced. */
export const BatchProgress = lazySchema(() =>
  z.object({
    messagesDone: z.number().int(),
    messagesTotal: z.number().int(),
    bytesDone: z.number().int(),
    bytesTotal: z.number().int(),
  }),
);
export type BatchProgress = z.infer<typeof BatchProgress>;

export const BatchDetail = lazySchema(() => z.object({ batch: Batch, counts: BatchCounts, progress: BatchProgress, jobs: z.array(Job) }));
export type BatchDetail = z.infer<typeof BatchDetail>;

export const BatchAction = lazySchema(() => z.enum(['start', 'dry', 'full', 'retry-failed', 'cancel', 'delete']));
export type BatchAction = z.infer<typeof BatchAction>;

export const BatchActionInput = lazySchema(() =>
  z.strictObject({
    action: BatchAction,
    jobIds: z.array(z.string().min(1).max(64)).min(1, 'select at least one job').max(2000),
  }),
);
export type BatchActionInput = z.infer<typeof BatchActionInput>;

/** What an action did: jobs acted on, and the others with the reason they were left alone. */
export const BatchActionResult = lazySchema(() =>
  z.object({
    action: BatchAction,
    done: z.array(z.string()),
    skipped: z.array(z.object({ jobId: z.string(), reason: z.string() })),
  }),
);
export type BatchActionResult = z.infer<typeof BatchActionResult>;

/** One line of the summary email and of the CSV report. */
export const BatchReportRow = lazySchema(() =>
  z.object({
    jobId: z.string(),
    name: z.string(),
    sourceUser: z.string(),
    destUser: z.string(),
    state: z.union([RunState, z.literal('not started')]),
    kind: z.string(),
    messagesTransferred: z.number().int(),
    bytesTransferred: z.number().int(),
    verdict: z.string(),
    exitClass: ExitClass.nullable(),
    cause: z.string(),
  }),
);
export type BatchReportRow = z.infer<typeof BatchReportRow>;
