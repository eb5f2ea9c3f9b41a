import { SignInRefusedError, UnauthorizedError } from '../errors.ts';
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
 * 1. Reserve the attempt in the account and the IP bucket, each with one conditional write, before anything
 * is checked (429 when either is full or locked; same answer for unknown accounts)
 * 2. Verify the password; unknown accounts verify against a dummy hash so timing does not tell them apart
 * 3. Wrong: the reservation stays counted as a failure  4. Right: end the account's streak, rehash if the
 * policy got stronger, end the session the browser came with (rotation), start a new one.
 * With 2FA on, step 4 becomes: give the reservation back (no failure, but the streak goes on), rehash if
 * needed and issue a challenge instead of a session; the streak ends only after the code
 * (complete-mfa-login.ts), so a known password cannot reset the count of wrong codes.
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
    const attempt = await throttle.reserve(input.email, origin.ip);
    const admin = await attempt.check(() => deps.admins.get(input.email));
    const ok = await attempt.check(async () => {
      dummyHash ??= deps.hasher.hash('dummy password for timing equality');
      // A failed dummy hash is not kept: the next attempt tries again.
      dummyHash.catch(() => (dummyHash = undefined));
      return deps.hasher.verify(input.password, admin?.passwordHash ?? (await dummyHash));
    });
    if (!admin) throw new UnauthorizedError(WRONG_CREDENTIALS);
    if (!ok) throw new SignInRefusedError(WRONG_CREDENTIALS);
    if (deps.hasher.needsRehash(admin.passwordHash)) {
      await deps.admins.setPasswordHash(admin.email, await deps.hasher.hash(input.password));
    }
    if (admin.mfa) {
      await attempt.refund();
      return { mfaChallenge: await issueChallenge(admin.email), admin };
    }
    await attempt.succeeded();
    if (input.previousSessionId) await deps.sessions.delete(input.previousSessionId);
    const now = deps.clock.now().toISOString();
    await deps.admins.recordLogin(admin.email, now);
    const { cookie, session } = await startSession(admin.email, origin);
    return { cookie, session, admin: { ...admin, lastLoginAt: now } };
  };
}
