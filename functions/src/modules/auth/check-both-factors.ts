import type { AuthDeps } from './deps.ts';
import { makeLoginThrottle, type LoginAttempt } from './login-throttle.ts';
import type { AdminRecord } from './ports.ts';
import { makeVerifySecondFactor, type SecondFactor } from './verify-second-factor.ts';

/**
 * The two checks of a re-authentication, counted as one sign-in attempt: reserved in the login throttle first
 * (429 when full or locked), then the password, then, with 2FA on, the code (TOTP or a recovery code, used up).
 * Step-up re-authentication and turning 2FA off must check both the same way, so the order lives here once.
 * The caller decides what a wrong one answers and calls `attempt.succeeded()` when both are right.
 */
export const makeCheckBothFactors = (deps: AuthDeps) => {
  const throttle = makeLoginThrottle(deps);
  const verify = makeVerifySecondFactor(deps);
  return async (
    actor: AdminRecord,
    input: { password: string; code?: string | undefined },
    ip: string,
  ): Promise<{ attempt: LoginAttempt; passwordOk: boolean; factor: SecondFactor | 'password' | undefined }> => {
    const attempt = await throttle.reserve(actor.email, ip);
    const passwordOk = await attempt.check(() => deps.hasher.verify(input.password, actor.passwordHash));
    // A code is only spent once the password is known to be right.
    const factor = !passwordOk ? undefined : actor.mfa ? await attempt.check(() => verify(actor, input.code ?? '')) : 'password';
    return { attempt, passwordOk, factor };
  };
};
