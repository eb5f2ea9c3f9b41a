import * as z from 'zod';
import { lazySchema } from '../lazy-schema.ts';

/**
 * App passwords the panel created at PurelyMail (createAppPassword). PurelyMail has no list endpoint, so the
 * panel remembers what it created; app passwords made elsewhere (the mailbox owner's own settings) cannot be
 * listed. No response schema here carries a secret except CreatedAppPassword, the one answer that shows it once.
 */

/** `person`: made on a user's page for a device; `migration`: made for a migration job's destination login. */
export const AppPasswordPurpose = lazySchema(() => z.enum(['person', 'migration']));
export type AppPasswordPurpose = z.infer<typeof AppPasswordPurpose>;

export const AppPassword = lazySchema(() =>
  z.object({
    id: z.string(),
    mailbox: z.string(),
    name: z.string(),
    purpose: AppPasswordPurpose,
    createdBy: z.string(),
    createdAt: z.string(),
    /** The migration job it was made for (purpose `migration`). */
    jobId: z.string().nullable(),
    campaignId: z.string().nullable(),
    /** Deleting it at PurelyMail was asked for but failed; the regular sweep tries again. */
    deleteError: z.string().nullable(),
  }),
);
export type AppPassword = z.infer<typeof AppPassword>;

export const AppPasswordList = lazySchema(() => z.object({ appPasswords: z.array(AppPassword) }));
export type AppPasswordList = z.infer<typeof AppPasswordList>;

export const CreateAppPasswordInput = lazySchema(() =>
  z.strictObject({
    name: z
      .string()
      .trim()
      .min(1, 'is required')
      .max(100, 'is too long (100 characters at most)')
      .regex(/^[^\r\n\0]*$/, 'must not contain line breaks'),
  }),
);
export type CreateAppPasswordInput = z.infer<typeof CreateAppPasswordInput>;

/** The answer to "revoke": deleted at PurelyMail, or PurelyMail no longer knew it (the panel forgot it either way). */
export const RevokedAppPassword = lazySchema(() => z.object({ outcome: z.enum(['deleted', 'already_gone']) }));
export type RevokedAppPassword = z.infer<typeof RevokedAppPassword>;

/** PurelyMail's documented client settings (reference/purelymail-api.md §2.3 and "client settings"). */
export const MAIL_CLIENT_SETTINGS = {
  imap: { host: 'imap.purelymail.com', port: 993, security: 'SSL/TLS' },
  smtp: { host: 'smtp.purelymail.com', port: 465, security: 'SSL/TLS', alternative: { port: 587, security: 'STARTTLS' } },
} as const;

/** The answer to "create": the only time the secret is shown. */
export const CreatedAppPassword = lazySchema(() => z.object({ appPassword: AppPassword, secret: z.string() }));
export type CreatedAppPassword = z.infer<typeof CreatedAppPassword>;

/** Which destination credential a job (and each run) uses: a typed password, or an app password the panel made. */
export const DestCredential = lazySchema(() =>
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('typed') }),
    z.object({ kind: z.literal('app_password'), appPasswordId: z.string(), name: z.string() }),
  ]),
);
export type DestCredential = z.infer<typeof DestCredential>;

/** Which destination login a job or run used, in words (the job page). `null`: a run from before it was recorded. */
export function describeDestCredential(c: DestCredential | null | undefined): string {
  if (!c) return 'not recorded';
  return c.kind === 'typed' ? 'typed password' : `app password “${c.name}” created by the panel`;
}
