import * as z from 'zod';
import { lazySchema } from '../lazy-schema.ts';
import { BatchCounts, BatchProgress } from './batch.ts';
import { RunState } from './migration.ts';

/**
 * A domain move (issue 19): one guided move of a whole domain's mail to PurelyMail — prepare, copy, keep in sync
 * with scheduled delta passes, switch the DNS, a final pass, finish. One per domain, stored as one item; every
 * field the page shows is derived from what the system did (runs, resolvers, schedules). No field carries a secret.
 */

export const DOMAIN_MOVE_STAGES = ['prepare', 'copy', 'sync', 'switch', 'final', 'finished', 'cancelled'] as const;
export const DomainMoveStage = lazySchema(() => z.enum(DOMAIN_MOVE_STAGES));
export type DomainMoveStage = z.infer<typeof DomainMoveStage>;

/** Stages after which the move is over (nothing is scheduled, nothing changes). */
export const isDomainMoveOver = (stage: DomainMoveStage): boolean => stage === 'finished' || stage === 'cancelled';

/** Stages in which a cancel is allowed: before the DNS switch. */
export const isDomainMoveCancellable = (stage: DomainMoveStage): boolean => stage === 'prepare' || stage === 'copy' || stage === 'sync';

/** The most mailboxes one move holds (they live in one item of at most 400 kB). */
export const DOMAIN_MOVE_MAX_MAILBOXES = 500;

export const DomainMoveSource = lazySchema(() =>
  z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('campaign'), campaignId: z.string().min(1).max(80) }),
    z.strictObject({ kind: z.literal('batch'), batchId: z.string().min(1).max(80) }),
  ]),
);
export type DomainMoveSource = z.infer<typeof DomainMoveSource>;

/** `all-present`: the final run's own verdict said every source message is at PurelyMail; `missing`: it did not; `unknown` before the final pass or without a run. */
export const MailboxVerdict = lazySchema(() => z.enum(['all-present', 'missing', 'unknown']));
export type MailboxVerdict = z.infer<typeof MailboxVerdict>;

/** The job's latest run the move has counted (a pass's result). */
export const DomainMoveRun = lazySchema(() =>
  z.object({
    runId: z.string(),
    state: RunState,
    endedAt: z.string().nullable(),
    /** Messages this run copied (imapsync's "Messages transferred"), 0 when it did not say. */
    messagesCopied: z.number().int().nonnegative(),
    bytesCopied: z.number().int().nonnegative(),
    /** imapsync's own verdict on the run ("The sync looks good", no error); false when the run failed. */
    verdict: z.boolean(),
  }),
);
export type DomainMoveRun = z.infer<typeof DomainMoveRun>;

export const DomainMoveMailbox = lazySchema(() =>
  z.object({
    /** The destination mailbox at PurelyMail. */
    address: z.string(),
    /** The login on the old host. */
    sourceUser: z.string(),
    /** The migration job that copies it. */
    jobId: z.string().nullable(),
    /** Runs of this mailbox the move started (the copy, the delta passes and the final pass). */
    passes: z.number().int().nonnegative(),
    consecutiveFailures: z.number().int().nonnegative(),
    /** True after K failed passes in a row; an email went to the admins. Paused mailboxes are skipped by passes. */
    paused: z.boolean(),
    pausedReason: z.string().nullable(),
    lastRun: DomainMoveRun.nullable(),
    /** The run the move queued and has not counted yet (the copy, a pass or the final pass); null when none is out. */
    currentRunId: z.string().nullable(),
    /** Why the last pass did not start a run for it (e.g. a run an admin started was still going); null when it did. */
    skippedReason: z.string().nullable(),
    /** Totals over every counted run of the move. */
    messagesCopied: z.number().int().nonnegative(),
    bytesCopied: z.number().int().nonnegative(),
    /** Set from the final pass's run. */
    verdict: MailboxVerdict,
  }),
);
export type DomainMoveMailbox = z.infer<typeof DomainMoveMailbox>;

export const DomainMoveSchedule = lazySchema(() =>
  z.object({
    /** The one recurring schedule of the move (`move-<domain>`). */
    name: z.string(),
    everyMinutes: z.number().int().positive(),
    /** `copy`: checks whether the copy ended (every 15 min); `pass` in sync (a delta pass each time); `watch` in switch (a resolution watch each time). */
    purpose: z.enum(['copy', 'pass', 'watch']),
    /** When it fires next, as far as the panel knows (from when it was set). */
    nextAt: z.string().nullable(),
  }),
);
export type DomainMoveSchedule = z.infer<typeof DomainMoveSchedule>;

export const DomainMoveOldMx = lazySchema(() =>
  z.object({
    hosts: z.array(z.string()),
    ttlSeconds: z.number().int().nonnegative().nullable(),
    readAt: z.string(),
    /**
     * When a reading found the TTL lowered: the moment resolvers that cached the record under the old, longer TTL
     * have all let it go (that reading's time + the previous TTL). Until then the lower TTL has not fully taken effect.
     */
    lowerTtlEffectiveAt: z.string().nullable().optional(),
  }),
);
export type DomainMoveOldMx = z.infer<typeof DomainMoveOldMx>;

export const DomainMoveWatch = lazySchema(() =>
  z.object({
    at: z.string(),
    resolvers: z.array(z.object({ resolver: z.string(), mx: z.array(z.string()), purelymail: z.boolean(), error: z.string().nullable().optional() })),
    everywhere: z.boolean(),
  }),
);
export type DomainMoveWatch = z.infer<typeof DomainMoveWatch>;

export const DomainMoveDns = lazySchema(() =>
  z.object({
    /** Who published the records: the panel through a provider, or `self` (the admin said they published them). */
    applied: z.enum(['route53', 'sandbox', 'self']).nullable(),
    appliedAt: z.string().nullable(),
    /** Old record sets saved for a rollback (only when the panel applied them). */
    savedRecords: z.boolean(),
    switchedEverywhereAt: z.string().nullable(),
    lastWatch: DomainMoveWatch.nullable(),
  }),
);
export type DomainMoveDns = z.infer<typeof DomainMoveDns>;

export const DomainMoveNext = lazySchema(() => z.object({ action: z.string(), waitingFor: z.string().nullable() }));
export type DomainMoveNext = z.infer<typeof DomainMoveNext>;

export const DomainMove = lazySchema(() =>
  z.object({
    domain: z.string(),
    stage: DomainMoveStage,
    createdAt: z.string(),
    createdBy: z.string(),
    updatedAt: z.string(),
    source: DomainMoveSource,
    /** The copy batch (set at Copy). */
    batchId: z.string().nullable(),
    syncEveryHours: z.number().int().min(1).max(168),
    pauseAfterFailures: z.number().int().min(1).max(20),
    schedule: DomainMoveSchedule.nullable(),
    /** Scheduled delta passes started. */
    passesDone: z.number().int().nonnegative(),
    lastPassAt: z.string().nullable(),
    oldMx: DomainMoveOldMx.nullable(),
    dns: DomainMoveDns,
    finalPassAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    cancelledAt: z.string().nullable(),
    mailboxes: z.array(DomainMoveMailbox),
    next: DomainMoveNext,
    version: z.number().int(),
  }),
);
export type DomainMove = z.infer<typeof DomainMove>;

/** A move as the API answers it: plus the copy batch's roll-up (counts and progress of the jobs' latest runs), read live. */
export const DomainMoveView = lazySchema(() => DomainMove.extend({ rollup: z.object({ counts: BatchCounts, progress: BatchProgress }).nullable() }));
export type DomainMoveView = z.infer<typeof DomainMoveView>;

export const DomainMoveList = lazySchema(() => z.object({ moves: z.array(DomainMove) }));
export type DomainMoveList = z.infer<typeof DomainMoveList>;

export const CreateDomainMoveInput = lazySchema(() =>
  z.strictObject({
    source: DomainMoveSource,
    syncEveryHours: z.number().int().min(1, 'must be at least 1 hour').max(168, 'must be at most 168 hours (a week)').default(6),
    pauseAfterFailures: z.number().int().min(1).max(20).default(3),
  }),
);
export type CreateDomainMoveInput = z.input<typeof CreateDomainMoveInput>;

export const StartDomainMoveSyncInput = lazySchema(() => z.strictObject({ everyHours: z.number().int().min(1, 'must be at least 1 hour').max(168, 'must be at most 168 hours (a week)').optional() }));
export type StartDomainMoveSyncInput = z.infer<typeof StartDomainMoveSyncInput>;

export const ApplyDomainMoveDnsInput = lazySchema(() => z.strictObject({ confirm: z.literal(true, 'must be true: applying changes the domain’s public DNS') }));
export type ApplyDomainMoveDnsInput = z.infer<typeof ApplyDomainMoveDnsInput>;

/** Report columns (one line per mailbox). */
export const DOMAIN_MOVE_REPORT_COLUMNS = ['address', 'source_user', 'messages_copied', 'bytes_copied', 'passes', 'last_run_state', 'verdict', 'paused'] as const;
