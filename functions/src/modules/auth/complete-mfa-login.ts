import { SignInRefusedError, UnauthorizedError } from '../errors.ts';
import type { AuthDeps, RequestOrigin } from './deps.ts';
import { CHALLENGE_EXPIRED, MAX_CODE_ATTEMPTS } from './mfa-challenge.ts';
import { makeLoginThrottle } from './login-throttle.ts';
import type { AdminRecord, SessionRecord } from './ports.ts';
import { hashToken } from './session-token.ts';
import { makeStartSession } from './start-session.ts';
import { makeVerifySecondFactor, type SecondFactor } from './verify-second-factor.ts';

export const WRONG_CODE = 'That code is not right. Check the time on your device and try the newest code, or use a recovery code.';

/**
 * Second step of a login with 2FA: the challenge from the password step plus a code.
 * 1. Load the challenge (unknown or expired → 401)  2. Reserve the attempt in both login buckets (429 when
 * full or locked) and in the challenge (one conditional write: at most 5 codes per challenge, ever; one more
 * and the challenge is gone), all before the code is looked at  3. Verify the code (TOTP once per step, or a
 * recovery code once); wrong: the reservations stay counted  4. Consume the challenge (single use)  5. End the
 * account's streak, end the session the browser came with, start a new one.
 */
export function makeCompleteMfaLogin(deps: AuthDeps) {
  const throttle = makeLoginThrottle(deps);
  const verify = makeVerifySecondFactor(deps);
  const startSession = makeStartSession(deps);

  return async (
    input: { challenge: string; code: string; previousSessionId?: string },
    origin: RequestOrigin,
  ): Promise<{ cookie: string; session: SessionRecord; admin: AdminRecord; factor: SecondFactor }> => {
    const id = hashToken(input.challenge);
    const challenge = await deps.mfaChallenges.get(id);
    const now = deps.clock.now();
    if (!challenge || new Date(challenge.expiresAt) <= now) throw new UnauthorizedError(CHALLENGE_EXPIRED);
    const attempt = await throttle.reserve(challenge.adminEmail, origin.ip);
    const codeNumber = await attempt.check(() => deps.mfaChallenges.reserveAttempt(id, now, MAX_CODE_ATTEMPTS));
    if (codeNumber === undefined) {
      await attempt.refund();
      await deps.mfaChallenges.delete(id);
      throw new UnauthorizedError(CHALLENGE_EXPIRED);
    }
    const admin = await attempt.check(() => deps.admins.get(challenge.adminEmail));
    if (!admin?.mfa) {
      await attempt.refund();
      await deps.mfaChallenges.delete(id);
      throw new UnauthorizedError(CHALLENGE_EXPIRED);
    }
    const factor = await attempt.check(() => verify(admin, input.code));
    if (!factor) {
      if (codeNumber >= MAX_CODE_ATTEMPTS) await deps.mfaChallenges.delete(id);
      throw new SignInRefusedError(WRONG_CODE);
    }
    if (!(await deps.mfaChallenges.consume(id, now))) throw new UnauthorizedError(CHALLENGE_EXPIRED);
    await attempt.succeeded();
    if (input.previousSessionId) await deps.sessions.delete(input.previousSessionId);
    const at = now.toISOString();
    await deps.admins.recordLogin(admin.email, at);
    const { cookie, session } = await startSession(admin.email, origin);
    return { cookie, session, admin: { ...admin, lastLoginAt: at }, factor };
  };
}
