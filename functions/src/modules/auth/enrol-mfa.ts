import type { ConfirmMfaInput, MfaEnrolment } from '@app/shared';
import { ConflictError, ValidationError } from '../errors.ts';
import type { AuthDeps, RequestOrigin } from './deps.ts';
import { makeLoginThrottle } from './login-throttle.ts';
import type { AdminRecord, SessionRecord } from './ports.ts';
import { hashRecoveryCode, newRecoveryCodes, newRecoverySalt, normaliseRecoveryCode } from './recovery-codes.ts';
import { makeRotateSession } from './rotate-session.ts';
import { matchTotp, newTotpSecret, otpauthUri } from './totp.ts';

export const MFA_ALREADY_ON = 'Two-factor authentication is already on. Turn it off first to set up a different authenticator.';
const NOTHING_PENDING = 'Start the set-up again: no new authenticator is waiting to be confirmed.';

/**
 * Starts enrolment: a new TOTP secret, kept pending on the admin until a code confirms it.
 * 1. Refuse while 2FA is on  2. Store the new secret, sealed, as pending (replacing an older pending one)
 * 3. Return the otpauth URI and the base32 secret: the only response that ever carries it.
 */
export const makeStartMfaEnrolment =
  (deps: Pick<AuthDeps, 'admins' | 'clock' | 'mfaSecrets'>) =>
  async (actor: AdminRecord): Promise<MfaEnrolment> => {
    if (actor.mfa) throw new ConflictError(MFA_ALREADY_ON, 'mfa_already_on');
    const secret = await newTotpSecret();
    // Sealed before it is stored: the table never holds a TOTP secret in clear, pending or active.
    await deps.admins.setPendingMfa(actor.email, { secret: await deps.mfaSecrets.seal(secret, actor.email), createdAt: deps.clock.now().toISOString() });
    return { otpauthUri: await otpauthUri(secret, actor.email), secret };
  };

/**
 * Confirms enrolment with the password (re-authentication, ASVS 7.5.1) and a code from the new app.
 * 1. Nothing pending or already on → 409; reserve the attempt in the login throttle (429 when full or
 * locked)  2. Check both; a wrong one stays counted and answers 400 naming the field  3. Activate with the code's step as the last used one
 * (it cannot sign in again) and 10 recovery codes, stored as scrypt hashes  4. New session token, other
 * sessions end  5. Return the codes: shown once.
 */
export const makeConfirmMfaEnrolment = (deps: AuthDeps) => {
  const throttle = makeLoginThrottle(deps);
  const rotate = makeRotateSession(deps);
  return async (
    actor: AdminRecord,
    currentSessionId: string,
    input: ConfirmMfaInput,
    origin: RequestOrigin,
  ): Promise<{ recoveryCodes: string[]; cookie: string; session: SessionRecord; endedSessions: number }> => {
    if (actor.mfa) throw new ConflictError(MFA_ALREADY_ON, 'mfa_already_on');
    const pending = actor.mfaPending;
    if (!pending) throw new ConflictError(NOTHING_PENDING, 'mfa_not_pending');
    const attempt = await throttle.reserve(actor.email, origin.ip);
    const passwordOk = await attempt.check(() => deps.hasher.verify(input.password, actor.passwordHash));
    const { secret } = await attempt.check(() => deps.mfaSecrets.open(pending.secret, actor.email));
    const step = await matchTotp(secret, input.code.replace(/\s/g, ''), deps.clock.now());
    if (!passwordOk || step === undefined) {
      const fields = [
        ...(passwordOk ? [] : [{ path: 'password', message: 'is wrong' }]),
        ...(step === undefined ? [{ path: 'code', message: 'does not match the authenticator app; type the newest code' }] : []),
      ];
      throw new ValidationError(`Two-factor authentication was not turned on: the ${fields.map((f) => f.path).join(' and the ')} ${fields.length > 1 ? 'are' : 'is'} not right.`, fields);
    }
    await attempt.succeeded();
    const recoveryCodes = newRecoveryCodes();
    const recoverySalt = newRecoverySalt();
    const recoveryCodeHashes = await Promise.all(recoveryCodes.map((c) => hashRecoveryCode(normaliseRecoveryCode(c)!, recoverySalt)));
    // The pending secret goes live as stored (sealed), unless it predates sealing.
    const stored = pending.secret.startsWith('v1:') ? pending.secret : await deps.mfaSecrets.seal(secret, actor.email);
    const mfa = { secret: stored, enabledAt: deps.clock.now().toISOString(), lastStep: step, recoverySalt, recoveryCodeHashes };
    if (!(await deps.admins.activateMfa(actor.email, mfa, pending.secret))) throw new ConflictError(NOTHING_PENDING, 'mfa_not_pending');
    const rotated = await rotate(actor.email, currentSessionId, origin, true);
    return { recoveryCodes, ...rotated };
  };
};
