import { LoginInput, LoginMfaInput, ReauthInput, type MfaChallenge } from '@app/shared';
import { Hono, type MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { toAdmin } from '../../modules/auth/auth.ts';
import { SignInRefusedError } from '../../modules/errors.ts';
import { REFUSED_SIGN_IN_LOG } from '../../modules/auth/log-in.ts';
import { parseSessionCookie, SESSION_COOKIE } from '../../modules/auth/session-token.ts';
import type { AppDeps } from '../app-deps.ts';
import type { AppContext, AppEnv } from '../app-env.ts';
import { audited } from '../middleware/audited.ts';
import { needsMfaEnrolment, requestSettings } from '../middleware/require-mfa-enrolment.ts';
import { requireSession } from '../middleware/require-session.ts';
import { readJson } from '../read-input.ts';
import { clearSessionCookie, setSessionCookie } from '../session-cookie.ts';
import { meOf } from './me.ts';

/** The session the browser came with, to end at login (rotation). */
const previousSession = (c: AppContext) => {
  const previous = parseSessionCookie(getCookie(c, SESSION_COOKIE));
  return previous ? { previousSessionId: previous.sessionId } : {};
};

/**
 * One log line per refused sign-in: wrong email, password or 2FA code (401), or refused by the throttle (429).
 * The auth-failure alarm counts these lines (AS-5). The email is the one typed, as the audit entry stores it;
 * the password and the code are never logged.
 */
const logRefusal = (deps: AppDeps, step: 'password' | '2fa'): MiddlewareHandler<AppEnv> => async (c, next) => {
  await next();
  if (c.res.status !== 401 && c.res.status !== 429) return;
  deps.logger.warn(REFUSED_SIGN_IN_LOG, { step, outcome: c.res.status === 429 ? 'throttled' : 'wrong', email: c.get('auditActor') ?? null, ip: deps.clientIp(c), requestId: c.get('requestId') });
};

/**
 * The audit keeps a sign-in that worked, and one refused after a real account's password or code was checked;
 * unknown accounts, throttled and malformed attempts are counted per day instead (audited.ts).
 */
const signInAudit = { keep: (c: AppContext, failed: boolean) => !failed || c.error instanceof SignInRefusedError };

/** Public login (password, then the 2FA code when the admin has it); logout, "me" and re-auth need a session. */
export const authRoutes = (deps: AppDeps) => {
  const origin = (c: AppContext) => ({ ip: deps.clientIp(c), userAgent: c.req.header('user-agent') ?? '' });
  return new Hono<AppEnv>()
    .post('/login', logRefusal(deps, 'password'), audited(deps, 'auth.login', (c) => c.get('auditActor') ?? '', signInAudit), async (c) => {
      const input = await readJson(c, LoginInput);
      c.set('auditActor', input.email);
      const result = await deps.auth.logIn({ ...input, ...previousSession(c) }, origin(c));
      if (result.mfaChallenge !== undefined) {
        c.set('auditDetails', 'password accepted; waiting for the 2FA code');
        return c.json({ mfaRequired: true, challenge: result.mfaChallenge } satisfies MfaChallenge);
      }
      setSessionCookie(c, result.cookie, deps.sessionCookieMaxAgeSeconds);
      return c.json(meOf(toAdmin(result.admin), result.session, deps, await needsMfaEnrolment(deps.settings, result.admin)));
    })
    .post('/login/mfa', logRefusal(deps, '2fa'), audited(deps, 'auth.mfa.verify', (c) => c.get('auditActor') ?? '', signInAudit), async (c) => {
      const input = await readJson(c, LoginMfaInput);
      const email = await deps.auth.mfaChallengeOwner(input.challenge);
      if (email) c.set('auditActor', email);
      const { cookie, session, admin, factor } = await deps.auth.completeMfaLogin({ ...input, ...previousSession(c) }, origin(c));
      c.set('auditDetails', factor === 'totp' ? 'with an authenticator code' : `with a recovery code (${(admin.mfa?.recoveryCodeHashes.length ?? 1) - 1} left)`);
      setSessionCookie(c, cookie, deps.sessionCookieMaxAgeSeconds);
      return c.json(meOf(toAdmin(admin), session, deps));
    })
    .get('/me', requireSession(deps.auth), async (c) =>
      c.json(meOf(toAdmin(c.get('admin')), c.get('session'), deps, await needsMfaEnrolment(requestSettings(c, deps.settings), c.get('admin')))),
    )
    // Step-up re-authentication before a sensitive action: verified like a login, and the token is replaced.
    .post('/reauth', requireSession(deps.auth), audited(deps, 'auth.reauth', (c) => c.get('admin').email), async (c) => {
      const input = await readJson(c, ReauthInput);
      const admin = c.get('admin');
      const { cookie, session, factor } = await deps.auth.reauthenticate(admin, c.get('session').id, input, origin(c));
      setSessionCookie(c, cookie, deps.sessionCookieMaxAgeSeconds);
      c.set('auditDetails', `with the password${factor === 'password' ? '' : factor === 'totp' ? ' and an authenticator code' : ' and a recovery code'}; session token renewed`);
      return c.json(meOf(toAdmin(admin), session, deps, await needsMfaEnrolment(requestSettings(c, deps.settings), admin)));
    })
    .post('/logout', requireSession(deps.auth), audited(deps, 'auth.logout', (c) => c.get('admin').email), async (c) => {
      await deps.auth.logOut(c.get('session').id);
      clearSessionCookie(c);
      c.header('Clear-Site-Data', '"cookies", "storage"');
      return c.body(null, 204);
    });
};
