import type { ReauthInput } from '@app/shared';
import { ReauthRequiredError, ValidationError } from '../errors.ts';
import { makeCheckBothFactors } from './check-both-factors.ts';
import type { AuthDeps, RequestOrigin } from './deps.ts';
import type { AdminRecord, SessionRecord } from './ports.ts';
import { makeRotateSession } from './rotate-session.ts';
import type { SecondFactor } from './verify-second-factor.ts';

/** How long a password check covers sensitive actions (ASVS 7.5.1–7.5.3). */
export const REAUTH_WINDOW_MS = 5 * 60_000;
export const WRONG_REAUTH = 'The password or the code is not right.';

/** True when the session checked the password within the last 5 minutes; a missing or bad authAt never is. */
export const makeRecentlyAuthenticated =
  (deps: Pick<AuthDeps, 'clock'>) =>
  (session: Pick<SessionRecord, 'authAt'>): boolean => {
    const at = Date.parse(session.authAt);
    const age = deps.clock.now().getTime() - at;
    return Number.isFinite(at) && age >= 0 && age <= REAUTH_WINDOW_MS;
  };

/** Throws ReauthRequiredError (401 `reauth_required`) unless the session re-authenticated recently. */
export const makeAssertRecentAuth = (deps: Pick<AuthDeps, 'clock'>) => {
  const recent = makeRecentlyAuthenticated(deps);
  return (session: Pick<SessionRecord, 'authAt'>): void => {
    if (!recent(session)) throw new ReauthRequiredError();
  };
};

/**
 * Step-up re-authentication for a signed-in admin: checked like a login, and the token is replaced.
 * 1. With 2FA, a code is required (400 before anything is verified)  2. Reserve the attempt in the account
 * and IP buckets (the login throttle; 429 when full or locked) before anything is checked  3. Check the
 * password, then the code (TOTP once per step, or a recovery code, used up); either wrong stays counted and
 * answers one generic 400  4. End the account's streak  5. New session token with authAt = now; the old
 * token is dead (ASVS 7.2.4).
 */
export const makeReauthenticate = (deps: AuthDeps) => {
  const checkBothFactors = makeCheckBothFactors(deps);
  const rotate = makeRotateSession(deps);
  return async (
    actor: AdminRecord,
    currentSessionId: string,
    input: ReauthInput,
    origin: RequestOrigin,
  ): Promise<{ cookie: string; session: SessionRecord; factor: SecondFactor | 'password' }> => {
    if (actor.mfa && !input.code) {
      throw new ValidationError('Enter the code from your authenticator app (or a recovery code) as well.', [{ path: 'code', message: 'is required' }]);
    }
    const { attempt, factor } = await checkBothFactors(actor, input, origin.ip);
    if (!factor) {
      throw new ValidationError(actor.mfa ? WRONG_REAUTH : 'The password is not right.', [
        actor.mfa ? { path: 'password', message: 'or the code is not right' } : { path: 'password', message: 'is wrong' },
      ]);
    }
    await attempt.succeeded();
    const { cookie, session } = await rotate(actor.email, currentSessionId, origin, false);
    return { cookie, session, factor };
  };
};
