import { UnauthorizedError } from '../errors.ts';
import type { AuthDeps, RequestOrigin } from './deps.ts';
import { makeLoginThrottle } from './login-throttle.ts';
import { makeIssueMfaChallenge } from './mfa-challenge.ts';
import type { AdminRecord, SessionRecord } from './ports.ts';
import { makeStartSession } from './start-session.ts';

export const WRONG_CREDENTIALS = 'Email or password is wrong.';

/** The log line of every refused sign-in; infra's auth-failure alarm counts it (infra/lib/constructs/ops-alarms.ts). */
export const REFUSED_SIGN_IN_LOG = 'sign-in refused';

/** A session, or (the admin has 2FA) a challenge to send back with the code: no session yet. */
export type LogInResult =
  | { cookie: string; session: SessionRecord; admin: AdminRecord; mfaChallenge?: undefined }
  | { mfaChallenge: string; admin: AdminRecord };

/**
 * Log in with email and password.
 * 1. Refuse while the account or the IP bucket is locked (same answer for unknown accounts)
 * 2. Verify the password; unknown accounts verify against a dummy hash so timing does not tell them apart
 * 3. On failure, count it in both buckets  4. On success, clear the account bucket, rehash if the policy
 * got stronger, end the session the browser came with (rotation), start a new one.
 * With 2FA on, step 4 becomes: rehash if needed and issue a challenge instead of a session; the account
 * bucket is cleared only after the code (see complete-mfa-login.ts), so a known password cannot reset the
 * count of wrong codes.
 */
export function makeLogIn(deps: AuthDeps) {
  const throttle = makeLoginThrottle(deps);
  const startSession = makeStartSession(deps);
  const issueChallenge = makeIssueMfaChallenge(deps);
  let dummyHash: Promise<string> | undefined;

  return async (
    input: { email: string; password: string; previousSessionId?: string },
    origin: RequestOrigin,
  ): Promise<LogInResult> => {
    await throttle.check(input.email, origin.ip);
    const admin = await deps.admins.get(input.email);
    dummyHash ??= deps.hasher.hash('dummy password for timing equality');
    const ok = await deps.hasher.verify(input.password, admin?.passwordHash ?? (await dummyHash));
    if (!admin || !ok) {
      await throttle.recordFailure(input.email, origin.ip);
      throw new UnauthorizedError(WRONG_CREDENTIALS);
    }
    if (deps.hasher.needsRehash(admin.passwordHash)) {
      await deps.admins.setPasswordHash(admin.email, await deps.hasher.hash(input.password));
    }
    if (admin.mfa) return { mfaChallenge: await issueChallenge(admin.email), admin };
    await throttle.recordSuccess(input.email);
    if (input.previousSessionId) await deps.sessions.delete(input.previousSessionId);
    const now = deps.clock.now().toISOString();
    await deps.admins.recordLogin(admin.email, now);
    const { cookie, session } = await startSession(admin.email, origin);
    return { cookie, session, admin: { ...admin, lastLoginAt: now } };
  };
}
