import { LoginInput } from '@app/shared';
import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import { toAdmin } from '../../modules/auth/auth.ts';
import { hashToken, SESSION_COOKIE } from '../../modules/auth/session-token.ts';
import type { AppDeps } from '../app-deps.ts';
import type { AppEnv } from '../app-env.ts';
import { audited } from '../middleware/audited.ts';
import { requireSession } from '../middleware/require-session.ts';
import { readJson } from '../read-input.ts';
import { clearSessionCookie, setSessionCookie } from '../session-cookie.ts';
import { meOf } from './me.ts';

/** Public login; logout and "me" need a session. */
export const authRoutes = (deps: AppDeps) =>
  new Hono<AppEnv>()
    .post('/login', audited(deps, 'auth.login', (c) => c.get('auditActor') ?? ''), async (c) => {
      const input = await readJson(c, LoginInput);
      c.set('auditActor', input.email);
      const previous = getCookie(c, SESSION_COOKIE);
      const { token, session, admin } = await deps.auth.logIn(
        { ...input, ...(previous && previous.length < 100 ? { previousSessionId: hashToken(previous) } : {}) },
        { ip: deps.clientIp(c), userAgent: c.req.header('user-agent') ?? '' },
      );
      setSessionCookie(c, token, deps.sessionCookieMaxAgeSeconds);
      return c.json(meOf(toAdmin(admin), session, deps));
    })
    .get('/me', requireSession(deps.auth), (c) => c.json(meOf(toAdmin(c.get('admin')), c.get('session'), deps)))
    .post('/logout', requireSession(deps.auth), audited(deps, 'auth.logout', (c) => c.get('admin').email), async (c) => {
      await deps.auth.logOut(c.get('session').id);
      clearSessionCookie(c);
      c.header('Clear-Site-Data', '"cookies", "storage"');
      return c.body(null, 204);
    });
