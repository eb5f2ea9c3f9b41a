import type { DisableMfaInput } from '@app/shared';
import { ConflictError, ValidationError } from '../errors.ts';
import { makeCheckBothFactors } from './check-both-factors.ts';
import type { AuthDeps, RequestOrigin } from './deps.ts';
import type { AdminRecord, SessionRecord } from './ports.ts';
import { makeRotateSession } from './rotate-session.ts';
import type { SecondFactor } from './verify-second-factor.ts';

/**
 * Turns 2FA off after re-authentication with both factors (ASVS 7.5.1).
 * 1. 2FA off → 409; reserve the attempt in the login throttle (429 when full or locked)  2. Check the
 * password, then the code (TOTP or recovery code, used up); a wrong one stays counted and answers 400 naming the field  3. Remove the
 * secret and the recovery codes  4. New session token (ASVS 7.2.4).
 */
export const makeDisableMfa = (deps: AuthDeps) => {
  const checkBothFactors = makeCheckBothFactors(deps);
  const rotate = makeRotateSession(deps);
  return async (
    actor: AdminRecord,
    currentSessionId: string,
    input: DisableMfaInput,
    origin: RequestOrigin,
  ): Promise<{ cookie: string; session: SessionRecord; factor: SecondFactor }> => {
    if (!actor.mfa) throw new ConflictError('Two-factor authentication is already off.', 'mfa_already_off');
    const { attempt, passwordOk, factor } = await checkBothFactors(actor, input, origin.ip);
    // With 2FA on (checked above) the second factor is a code, never the password alone.
    if (!passwordOk || !factor || factor === 'password') {
      const field = passwordOk ? { path: 'code', message: 'is not a current code or an unused recovery code' } : { path: 'password', message: 'is wrong' };
      throw new ValidationError(`Two-factor authentication is still on: the ${field.path} is not right.`, [field]);
    }
    await attempt.succeeded();
    await deps.admins.disableMfa(actor.email);
    const { cookie, session } = await rotate(actor.email, currentSessionId, origin, false);
    return { cookie, session, factor };
  };
};
