import * as z from 'zod';
import { lazySchema } from '@app/shared';

/** The ids we name schedules after: EventBridge allows 1–64 of [0-9a-zA-Z-_.]. */
export const ScheduleName = lazySchema(() => z.string().regex(/^[0-9A-Za-z._-]{1,64}$/, 'must be 1-64 letters, digits, ".", "_" or "-"'));

/**
 * What EventBridge Scheduler sends the "scheduled" Lambda (the schedule's `Input`, verbatim):
 * - `{"kind":"pending-action","actionId":"…"}`: a one-time schedule for one delayed deletion;
 * - `{"kind":"dns-tier"}` (optionally `"tier":"new"|"failing"|"healthy"`): a recurring DNS recheck run;
 * - `{"kind":"cache-refresh"}`: a recurring PurelyMail cache refresh (and credit threshold check);
 * - `{"kind":"sweep"}`: overdue pending actions whose schedule was lost, and the notification outbox;
 * - `{"kind":"domain-move","domain":"…"}`: the one recurring schedule of a domain move (a delta pass, a DNS watch).
 * - `{"kind":"job-sync","jobId":"…"}`: a job's "keep in sync every N hours until <date>" schedule (a full run).
 * A bare `{"actionId":"…"}` is read as a pending action, so a hand-made schedule still works.
 */
export const ScheduledEvent = lazySchema(() =>
  z.preprocess(
    (v) => (v && typeof v === 'object' && !('kind' in v) && 'actionId' in v ? { kind: 'pending-action', ...v } : v),
    z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('pending-action'), actionId: ScheduleName }),
      z.object({ kind: z.literal('dns-tier'), tier: z.enum(['new', 'failing', 'healthy']).optional() }),
      z.object({ kind: z.literal('cache-refresh') }),
      z.object({ kind: z.literal('sweep') }),
      z.object({ kind: z.literal('job-sync'), jobId: z.string().regex(/^[0-9A-Za-z_-]{1,58}$/, 'must be a job id') }),
      z.object({ kind: z.literal('domain-move'), domain: z.string().regex(/^(?=.{3,253}$)[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'must be a lower-case domain name') }),
    ]),
  ),
);
export type ScheduledEvent = z.infer<typeof ScheduledEvent>;
