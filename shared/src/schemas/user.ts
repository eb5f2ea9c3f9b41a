import * as z from 'zod';
import { lazySchema } from '../lazy-schema.ts';
import { PendingAction } from './pending-action.ts';

/** PurelyMail's listUser stops at this many names, with no pagination (reference §1.6). */
export const PURELYMAIL_USER_CAP = 1000;

/**
 * A listUser answer of this many names (counting any that could not be read) may be cut off: the account may
 * have more users, unseen. While it is, nothing may be concluded from a name's absence.
 */
export const isUserListCapped = (returned: number): boolean => returned >= PURELYMAIL_USER_CAP;

/**
 * The cap as messages write it. A literal, not `toLocaleString('en-US')`: formatting a number at import starts
 * ICU's number formatter, ~16 ms of CPU on every api cold start for one constant (user.test.ts checks they agree).
 */
export const PURELYMAIL_USER_CAP_TEXT = '1,000';

/** Why a count of users is a lower bound. */
export const USER_CAP_NOTE = `PurelyMail lists at most ${PURELYMAIL_USER_CAP_TEXT}`;

/**
 * A user count as an admin reads it: exact, or "1,000+ (PurelyMail lists at most 1,000)" when the list was cut
 * off. `short` leaves out the note (for a big number with the note beside it).
 */
export function formatUserCount(count: number, capped: boolean, opts: { short?: boolean } = {}): string {
  if (!capped) return count.toLocaleString('en-US');
  const shown = `${Math.max(count, PURELYMAIL_USER_CAP).toLocaleString('en-US')}+`;
  return opts.short ? shown : `${shown} (${USER_CAP_NOTE})`;
}

/** Symbols that symbolic subaddressing treats as a tag separator, so they are refused in user names there. */
export const SUBADDRESS_SYMBOLS = /[.+-]/;

/** The local part ("alice" in alice@example.com), lower-cased: letters, digits and . _ + - only. */
export const UserLocalPart = lazySchema(() =>
  z
    .string()
    .trim()
    .min(1, 'is required')
    .max(64, 'is too long (64 characters at most)')
    .transform((s) => s.toLowerCase())
    .pipe(z.string().regex(/^[a-z0-9._+-]+$/, 'may only contain letters, digits and . _ + -')),
);

export const UserDomainName = lazySchema(() =>
  z
    .string()
    .trim()
    .min(1, 'is required')
    .max(253, 'is too long')
    .transform((s) => s.toLowerCase())
    .pipe(z.string().regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9-]{2,}$/, 'is not a valid domain name')),
);

/** A full mailbox address, lower-cased. */
export const UserAddress = lazySchema(() =>
  z
    .string()
    .trim()
    .max(320, 'is too long')
    .transform((s) => s.toLowerCase())
    .pipe(z.string().regex(/^[a-z0-9._+-]{1,64}@([a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9-]{2,}$/, 'is not a valid email address like alice@example.com')),
);

/** A mailbox password: PurelyMail states no policy, so we ask for 12 characters and cap the size. */
export const MailboxPassword = lazySchema(() =>
  z
    .string()
    .min(12, 'must be at least 12 characters')
    .max(256, 'must be at most 256 characters')
    .refine((s) => ![...s].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f), 'must not contain control characters'),
);

export const RecoveryEmail = lazySchema(() => z.string().trim().max(254).pipe(z.email('is not a valid email address')));

export const UserDomainOption = lazySchema(() => z.object({ name: z.string(), symbolicSubaddressing: z.boolean(), isShared: z.boolean() }));
export type UserDomainOption = z.infer<typeof UserDomainOption>;

/** The users page: everything comes from the cache (no PurelyMail call per page load). */
export const UserList = lazySchema(() =>
  z.object({
    users: z.array(z.string()),
    syncedAt: z.string().nullable(),
    /** PurelyMail returned its cap: there may be more users than listed (search an exact address to find one). */
    capped: z.boolean(),
    /** Names PurelyMail returned that could not be read (left out of `users`). */
    unreadable: z.number().int(),
    domains: z.array(UserDomainOption),
    /** Pending delete-user actions, for "deletion pending" on rows. */
    pendingDeletions: z.array(PendingAction),
  }),
);
export type UserList = z.infer<typeof UserList>;

export const CreateUserInput = lazySchema(() =>
  z
    .strictObject({
      localPart: UserLocalPart,
      domain: UserDomainName,
      password: MailboxPassword,
      enableSearchIndexing: z.boolean().default(true),
      enablePasswordReset: z.boolean().default(true),
      recoveryEmail: RecoveryEmail.optional(),
      /** Off unless asked: admins usually hand over credentials themselves. */
      sendWelcomeEmail: z.boolean().default(false),
    })
    .refine((v) => !v.recoveryEmail || v.enablePasswordReset, {
      path: ['recoveryEmail'],
      message: 'needs password reset turned on',
    }),
);
export type CreateUserInput = z.input<typeof CreateUserInput>;

export const CreatedUser = lazySchema(() => z.object({ address: z.string() }));
export type CreatedUser = z.infer<typeof CreatedUser>;

export const ResetMethodType = lazySchema(() => z.enum(['email', 'phone']));
export type ResetMethodType = z.infer<typeof ResetMethodType>;

export const UserResetMethod = lazySchema(() =>
  z.object({
    type: ResetMethodType,
    target: z.string(),
    description: z.string(),
    allowMfaReset: z.boolean(),
  }),
);
export type UserResetMethod = z.infer<typeof UserResetMethod>;

/** One user as PurelyMail's getUser reports it, plus a pending deletion if there is one. */
export const UserDetail = lazySchema(() =>
  z.object({
    address: z.string(),
    enableSearchIndexing: z.boolean(),
    recoveryEnabled: z.boolean(),
    requireTwoFactorAuthentication: z.boolean(),
    enableSpamFiltering: z.boolean(),
    resetMethods: z.array(UserResetMethod),
    /** Recovery methods PurelyMail returned that could not be read (not in `resetMethods`). */
    unreadableResetMethods: z.number().int(),
    pendingDeletion: PendingAction.nullable(),
  }),
);
export type UserDetail = z.infer<typeof UserDetail>;

export const UpdateUserInput = lazySchema(() =>
  z
    .strictObject({
      requireTwoFactorAuthentication: z.boolean().optional(),
      enableSearchIndexing: z.boolean().optional(),
      enablePasswordReset: z.boolean().optional(),
      /**
       * Only with `enablePasswordReset: true`: PurelyMail asks for a password to turn password reset back on
       * (its docs say so for its own console), so the panel asks for one and sends both together.
       */
      newPassword: MailboxPassword.optional(),
    })
    .refine((v) => v.requireTwoFactorAuthentication !== undefined || v.enableSearchIndexing !== undefined || v.enablePasswordReset !== undefined, {
      message: 'Change at least one setting.',
    })
    .refine((v) => v.newPassword === undefined || v.enablePasswordReset === true, {
      path: ['newPassword'],
      message: 'is only sent when turning password reset on',
    }),
);
export type UpdateUserInput = z.infer<typeof UpdateUserInput>;

export const SetUserPasswordInput = lazySchema(() => z.strictObject({ newPassword: MailboxPassword }));
export type SetUserPasswordInput = z.infer<typeof SetUserPasswordInput>;

const PHONE = /^\+?[0-9][0-9 ().-]{4,30}$/;

/** Adds a recovery method, or changes one when `existingTarget` names it. */
export const UpsertResetMethodInput = lazySchema(() =>
  z
    .strictObject({
      type: ResetMethodType,
      target: z.string().trim().min(1, 'is required').max(254, 'is too long'),
      description: z.string().trim().max(100, 'is too long (100 characters at most)').optional(),
      allowMfaReset: z.boolean().optional(),
      existingTarget: z.string().trim().min(1).max(254).optional(),
    })
    .superRefine((v, ctx) => {
      if (v.type === 'email' && !z.email().safeParse(v.target).success) {
        ctx.addIssue({ code: 'custom', path: ['target'], message: 'is not a valid email address' });
      }
      if (v.type === 'phone' && !PHONE.test(v.target)) {
        ctx.addIssue({ code: 'custom', path: ['target'], message: 'is not a valid phone number like +44 20 7946 0958' });
      }
    }),
);
export type UpsertResetMethodInput = z.infer<typeof UpsertResetMethodInput>;

/** POST /api/users/:address (DELETE) answer: the pending action; `created` is false for a repeat request. */
export const UserDeletionRequested = lazySchema(() => z.object({ action: PendingAction, created: z.boolean() }));
export type UserDeletionRequested = z.infer<typeof UserDeletionRequested>;
