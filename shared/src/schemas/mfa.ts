import * as z from 'zod';
import { lazySchema } from '../lazy-schema.ts';

/**
 * A second-factor code as typed: six digits from an authenticator app, or a one-time recovery code
 * (any case; spaces and dashes are ignored). The server decides which it is.
 */
export const MfaCode = lazySchema(() => z.string().trim().min(1, 'is required').max(40, 'is too long (40 characters at most)'));

const CurrentPassword = lazySchema(() =>
  z
    .string()
    .min(1, 'is required')
    .refine((s) => new TextEncoder().encode(s).length <= 1024, 'must be at most 1,024 bytes'),
);

/** The one answer that carries the new TOTP secret: shown once for the QR code and manual entry. */
export const MfaEnrolment = lazySchema(() =>
  z.object({
    /** `otpauth://totp/…` for the QR code. */
    otpauthUri: z.string(),
    /** The same secret in base32, for typing into an app by hand. */
    secret: z.string(),
  }),
);
export type MfaEnrolment = z.infer<typeof MfaEnrolment>;

/** Re-authentication (the password) plus a code from the new authenticator turns 2FA on. */
export const ConfirmMfaInput = lazySchema(() => z.strictObject({ code: MfaCode, password: CurrentPassword }));
export type ConfirmMfaInput = z.infer<typeof ConfirmMfaInput>;

/** Shown exactly once, when 2FA is turned on; only hashes are kept. */
export const MfaRecoveryCodes = lazySchema(() => z.object({ recoveryCodes: z.array(z.string()), endedSessions: z.number().int() }));
export type MfaRecoveryCodes = z.infer<typeof MfaRecoveryCodes>;

/** Turning 2FA off needs the password and a current code (or a recovery code). */
export const DisableMfaInput = lazySchema(() => z.strictObject({ password: CurrentPassword, code: MfaCode }));
export type DisableMfaInput = z.infer<typeof DisableMfaInput>;

export const MfaStatus = lazySchema(() =>
  z.object({
    enabled: z.boolean(),
    enabledAt: z.string().nullable(),
    recoveryCodesLeft: z.number().int(),
    /** The panel requires 2FA for every admin (Settings → Panel). */
    required: z.boolean(),
  }),
);
export type MfaStatus = z.infer<typeof MfaStatus>;

/** Login's answer when the password was right and a second factor is due: no session yet. */
export const MfaChallenge = lazySchema(() =>
  z.object({
    mfaRequired: z.literal(true),
    /** Opaque, single use, valid for 5 minutes; send it back with the code. */
    challenge: z.string(),
  }),
);
export type MfaChallenge = z.infer<typeof MfaChallenge>;

export const LoginMfaInput = lazySchema(() =>
  z.strictObject({
    challenge: z.string().min(1, 'is required').max(100, 'is too long'),
    code: MfaCode,
  }),
);
export type LoginMfaInput = z.infer<typeof LoginMfaInput>;

/** The API error code of every route a session may not reach until its admin sets up 2FA. */
export const MFA_ENROLMENT_REQUIRED = 'mfa_enrolment_required';
