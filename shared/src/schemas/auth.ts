import * as z from 'zod';
import { lazySchema } from '../lazy-schema.ts';
import { Admin, AdminEmail, AdminName, AdminPassword } from './admin.ts';
import { MfaChallenge, MfaCode } from './mfa.ts';

export const SetupStatus = lazySchema(() => z.object({ needsSetup: z.boolean() }));
export type SetupStatus = z.infer<typeof SetupStatus>;

/** First-run setup: the one-time token printed by the server, and the first owner. */
export const SetupInput = lazySchema(() =>
  z.strictObject({
    token: z.string().min(1, 'is required').max(200),
    email: AdminEmail,
    name: AdminName,
    password: AdminPassword,
  }),
);
export type SetupInput = z.infer<typeof SetupInput>;

/** Login does not apply the password policy: an old, weaker password must still be able to log in. */
export const LoginInput = lazySchema(() =>
  z.strictObject({
    email: z.string().trim().min(1, 'is required').max(254).transform((s) => s.toLowerCase()),
    password: z
      .string()
      .min(1, 'is required')
      .refine((s) => new TextEncoder().encode(s).length <= 1024, 'must be at most 1,024 bytes'),
  }),
);
export type LoginInput = z.infer<typeof LoginInput>;

export const Me = lazySchema(() =>
  z.object({
    admin: Admin,
    sessionId: z.string(),
    sessionExpiresAt: z.string(),
    sandbox: z.boolean(),
    mfaEnabled: z.boolean(),
    /** The panel requires 2FA and this admin has none yet: only the 2FA set-up routes answer. */
    mfaEnrolmentRequired: z.boolean(),
  }),
);
export type Me = z.infer<typeof Me>;

/** Login answers with the session (`Me`) or, when the admin has 2FA, with a challenge for the code. */
export const LoginResult = lazySchema(() => z.union([MfaChallenge, Me]));
export type LoginResult = z.infer<typeof LoginResult>;

export const ChangePasswordInput = lazySchema(() =>
  z.strictObject({
    currentPassword: z.string().min(1, 'is required').max(1024),
    newPassword: AdminPassword,
    endOtherSessions: z.boolean().default(true),
  }),
);
export type ChangePasswordInput = z.infer<typeof ChangePasswordInput>;

export const ChangePasswordResult = lazySchema(() => z.object({ endedSessions: z.number().int() }));
export type ChangePasswordResult = z.infer<typeof ChangePasswordResult>;

/**
 * The API error code of a sensitive action whose session last checked the password more than 5 minutes
 * ago (step-up re-authentication): send `POST /api/auth/reauth`, then repeat the request.
 */
export const REAUTH_REQUIRED = 'reauth_required';

/** Step-up re-authentication: the password, plus a code (TOTP or recovery code) when the admin has 2FA. */
export const ReauthInput = lazySchema(() =>
  z.strictObject({
    password: z
      .string()
      .min(1, 'is required')
      .refine((s) => new TextEncoder().encode(s).length <= 1024, 'must be at most 1,024 bytes'),
    code: MfaCode.optional(),
  }),
);
export type ReauthInput = z.infer<typeof ReauthInput>;
