import * as z from 'zod';
import { lazySchema } from '../lazy-schema.ts';

export const PendingActionKind = lazySchema(() => z.enum(['delete-user', 'delete-domain', 'delete-routing-rule']));
export type PendingActionKind = z.infer<typeof PendingActionKind>;

export const PendingActionStatus = lazySchema(() => z.enum(['pending', 'executing', 'done', 'failed', 'cancelled']));
export type PendingActionStatus = z.infer<typeof PendingActionStatus>;

/**
 * A destructive action delayed by the deletion delay (24 h by default) and cancellable by any admin until
 * it executes. `target` identifies the resource (an address, a domain name, a rule's identity), `label`
 * says it in words.
 */
export const PendingAction = lazySchema(() =>
  z.object({
    id: z.string(),
    kind: PendingActionKind,
    target: z.string(),
    label: z.string(),
    requestedBy: z.string(),
    requestedAt: z.string(),
    executeAt: z.string(),
    status: PendingActionStatus,
    finishedAt: z.string().nullable(),
    cancelledBy: z.string().nullable(),
    reason: z.string().nullable(),
    version: z.number().int(),
  }),
);
export type PendingAction = z.infer<typeof PendingAction>;

export const PendingActionList = lazySchema(() => z.object({ actions: z.array(PendingAction) }));
export type PendingActionList = z.infer<typeof PendingActionList>;

/** The Pending page: what is waiting (or running now), and the latest finished action per target. */
export const PendingActionOverview = lazySchema(() => z.object({ actions: z.array(PendingAction), finished: z.array(PendingAction) }));
export type PendingActionOverview = z.infer<typeof PendingActionOverview>;
