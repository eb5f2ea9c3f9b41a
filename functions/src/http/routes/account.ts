import { ChangePasswordInput, type ChangePasswordResult } from '@app/shared';
import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import type { AppEnv } from '../app-env.ts';
import { audited } from '../middleware/audited.ts';
import { readJson } from '../read-input.ts';
import { setSessionCookie } from '../session-cookie.ts';
import { mfaRoutes } from './mfa.ts';

/**
 * The signed-in admin's own account. A password change carries the current password, which is its
 * re-authentication (no recent sign-in needed); the session token is replaced (ASVS 7.2.4).
 */
export const accountRoutes = (deps: AppDeps) =>
  new Hono<AppEnv>()
    .route('/mfa', mfaRoutes(deps))
    .post('/password', audited(deps, 'account.password.change', (c) => c.get('admin').email), async (c) => {
      const input = await readJson(c, ChangePasswordInput);
      const origin = { ip: deps.clientIp(c), userAgent: c.req.header('user-agent') ?? '' };
      const { endedSessions, cookie } = await deps.auth.changePassword(c.get('admin'), c.get('session').id, input, origin);
      setSessionCookie(c, cookie, deps.sessionCookieMaxAgeSeconds);
      c.set('auditDetails', `ended ${endedSessions} other session(s); session token renewed`);
      return c.json({ endedSessions } satisfies ChangePasswordResult);
    });
