import * as z from 'zod';
import { lazySchema } from '../lazy-schema.ts';
import { TargetAddress } from './routing.ts';

/**
 * Off-boarding a user (issue 18): one flow that rotates the mailbox password to one nobody is shown, revokes the
 * app passwords the panel created for the mailbox, optionally forwards the address to a colleague with a routing
 * rule, and schedules the user's deletion in the pending queue after N days. Each step is kept with its state.
 * Copying the mailbox to an archive first is not part of it: the admin runs a migration job before.
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
  }),
);
export type OffboardInput = z.infer<typeof OffboardInput>;
export type OffboardInputDraft = z.input<typeof OffboardInput>;

/** In the order they run. */
export const OffboardStepName = lazySchema(() => z.enum(['rotate_password', 'revoke_app_passwords', 'forward', 'schedule_deletion']));
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
  }),
);
export type Offboarding = z.infer<typeof Offboarding>;

/** GET /api/users/:address/offboard: the latest off-boarding of the address, or null when it never was. */
export const OffboardingResponse = lazySchema(() => z.object({ offboarding: Offboarding.nullable() }));
export type OffboardingResponse = z.infer<typeof OffboardingResponse>;
