import * as z from 'zod';
import { lazySchema } from '../lazy-schema.ts';
import { TargetAddress } from './routing.ts';

/**
 * Off-boarding a user (issue 18): one flow that rotates the mailbox password to one nobody is shown, revokes the
 * app passwords the panel created for the mailbox, optionally forwards the address to a colleague with a routing
 * rule, optionally copies the mailbox to an archive mailbox of the account (a migration job signing in with app
 * passwords the panel makes on both mailboxes), and schedules the user's deletion in the pending queue after N days;
 * with an archive copy the deletion is refused at execution unless the copy succeeded. Each step is kept with its state.
 */
export const OFFBOARD_DEFAULT_DAYS = 30;
export const OFFBOARD_MAX_DAYS = 365;

export const OffboardInput = lazySchema(() =>
  z.strictObject({
    forwardTo: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), TargetAddress.optional()),
    deleteAfterDays: z
      .number({ error: 'must be a whole number of days' })
      .int('must be a whole number of days')
      .min(1, 'must be at least 1 day')
      .max(OFFBOARD_MAX_DAYS, `must be at most ${OFFBOARD_MAX_DAYS} days`)
      .default(OFFBOARD_DEFAULT_DAYS),
    /** Copy all the mail to this mailbox of the account first, through the saved IMAP server `serverId` (PurelyMail). */
    archive: z
      .strictObject({
        mailbox: TargetAddress,
        serverId: z.string({ error: 'choose the IMAP server (PurelyMail) the copy signs in to' }).trim().min(1, 'choose the IMAP server (PurelyMail) the copy signs in to').max(64),
      })
      .optional(),
  }),
);
export type OffboardInput = z.infer<typeof OffboardInput>;
export type OffboardInputDraft = z.input<typeof OffboardInput>;

/** In the order they run. */
export const OffboardStepName = lazySchema(() => z.enum(['rotate_password', 'revoke_app_passwords', 'archive_copy', 'forward', 'schedule_deletion', 'delete_mailbox']));
export type OffboardStepName = z.infer<typeof OffboardStepName>;

export const OffboardStepState = lazySchema(() => z.enum(['done', 'failed', 'skipped']));
export type OffboardStepState = z.infer<typeof OffboardStepState>;

export const OffboardStep = lazySchema(() =>
  z.object({
    name: OffboardStepName,
    state: OffboardStepState,
    /** What happened in words (failed: PurelyMail's or the panel's reason; skipped: why). Never a secret. */
    detail: z.string(),
    at: z.string(),
  }),
);
export type OffboardStep = z.infer<typeof OffboardStep>;

/**
 * `in_progress`: its steps are running (a second off-boarding of the address is refused meanwhile);
 * `scheduled`: the deletion waits in the pending queue; `incomplete`: the deletion was not scheduled (a step failed);
 * `cancelled`: the pending deletion was cancelled; `deleted`: it ran; `deletion_failed`: it ran and failed.
 */
export const OffboardStatus = lazySchema(() => z.enum(['in_progress', 'scheduled', 'incomplete', 'cancelled', 'deleted', 'deletion_failed']));
export type OffboardStatus = z.infer<typeof OffboardStatus>;

/**
 * The archive copy's state, from its migration job's latest run: `starting` while the job is being made, `queued` /
 * `running` while it copies, then `succeeded` (the run succeeded and imapsync's verdict is good), `failed` or
 * `cancelled`. Only `succeeded` lets the scheduled deletion run.
 */
export const OffboardArchiveState = lazySchema(() => z.enum(['starting', 'queued', 'running', 'succeeded', 'failed', 'cancelled']));
export type OffboardArchiveState = z.infer<typeof OffboardArchiveState>;
export const ARCHIVE_ENDED_STATES: readonly OffboardArchiveState[] = ['succeeded', 'failed', 'cancelled'];

export const OffboardArchive = lazySchema(() =>
  z.object({
    /** The mailbox of the account the mail is copied into. */
    mailbox: z.string(),
    serverId: z.string(),
    /** The migration job doing the copy (Migrations → Jobs) and its latest run; null until made. */
    jobId: z.string().nullable(),
    runId: z.string().nullable(),
    state: OffboardArchiveState,
    /** The run's own state word (queued, running, succeeded …), as the job page shows it. */
    runState: z.string().nullable(),
    /** Messages imapsync copied (its "Messages transferred" once ended; messages processed so far while running). */
    messagesCopied: z.number().int().nonnegative().nullable(),
    messagesTotal: z.number().int().nonnegative().nullable(),
    /** What the copy came to, in words (imapsync's verdict or the run's failure reason); null while running. */
    verdict: z.string().nullable(),
    endedAt: z.string().nullable(),
    /** The two app passwords the copy signs in with: held while it runs, deleted when it ends. */
    appPasswords: z.enum(['held', 'deleted', 'delete_failed']),
  }),
);
export type OffboardArchive = z.infer<typeof OffboardArchive>;

export const Offboarding = lazySchema(() =>
  z.object({
    address: z.string(),
    startedBy: z.string(),
    startedAt: z.string(),
    forwardTo: z.string().nullable(),
    deleteAfterDays: z.number().int(),
    status: OffboardStatus,
    steps: z.array(OffboardStep),
    /** The pending delete-user action (cancel it on the Pending page). */
    deletionActionId: z.string().nullable(),
    deletionExecuteAt: z.string().nullable(),
    /** When and by whom the pending deletion was cancelled. */
    cancelledAt: z.string().nullable(),
    cancelledBy: z.string().nullable(),
    /** The archive copy, when one was asked for (absent on records from before archive copies). */
    archive: OffboardArchive.nullable().default(null),
  }),
);
export type Offboarding = z.infer<typeof Offboarding>;

/** GET /api/users/:address/offboard: the latest off-boarding of the address, or null when it never was. */
export const OffboardingResponse = lazySchema(() => z.object({ offboarding: Offboarding.nullable() }));
export type OffboardingResponse = z.infer<typeof OffboardingResponse>;
