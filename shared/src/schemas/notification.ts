import * as z from 'zod';
import { lazySchema } from '../lazy-schema.ts';

const Email = lazySchema(() => z.email('must be an email address').max(254));

/**
 * SES on AWS; on one machine, one `.eml` file per email in `outboxDir` (and SMTP too when `smtp`).
 */
export const MailDelivery = lazySchema(() => z.object({ via: z.enum(['ses', 'outbox']), outboxDir: z.string().nullable(), smtp: z.boolean() }));
export type MailDelivery = z.infer<typeof MailDelivery>;

/**
 * Who notification emails come from and go to. Every admin always receives them; `extraRecipients` adds
 * addresses that are not admins (a shared ops mailbox). `from` null means the deployment's MAIL_FROM.
 */
export const MailSettings = lazySchema(() =>
  z.object({
    from: z.string().nullable(),
    extraRecipients: z.array(z.string()),
    /** The address used when `from` is null (read-only: set by MAIL_FROM). */
    defaultFrom: z.string(),
    /** Read-only: how emails leave this deployment, so Settings can say where to find them. */
    delivery: MailDelivery,
    version: z.number().int(),
  }),
);
export type MailSettings = z.infer<typeof MailSettings>;

export const UpdateMailSettingsInput = lazySchema(() =>
  z.strictObject({
    from: Email.nullable().optional(),
    extraRecipients: z.array(Email).max(20, 'must list at most 20 addresses').optional(),
    version: z.number().int(),
  }),
);
export type UpdateMailSettingsInput = z.infer<typeof UpdateMailSettingsInput>;

/** "Send test email": to one address, or to every recipient when `to` is absent. */
export const SendTestEmailInput = lazySchema(() => z.strictObject({ to: Email.optional() }));
export type SendTestEmailInput = z.infer<typeof SendTestEmailInput>;

export const NotificationResult = lazySchema(() =>
  z.object({
    /** Sent now. */
    sent: z.array(z.string()),
    /** Already sent for this event (a duplicate trigger). */
    skipped: z.array(z.string()),
    /** Sending failed; kept in the outbox and retried by the sweeper. */
    queued: z.array(z.string()),
  }),
);
export type NotificationResult = z.infer<typeof NotificationResult>;
