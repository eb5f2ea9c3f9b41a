import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { Auth } from '../../modules/auth/auth.ts';
import { SESSION_COOKIE } from '../../modules/auth/session-token.ts';
import type { AppEnv } from '../app-env.ts';

/** Fails closed: no valid session, no handler. Sets `admin` and `session` for what follows. */
export const requireSession =
  (auth: Pick<Auth, 'authenticate'>): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const { admin, session } = await auth.authenticate(getCookie(c, SESSION_COOKIE));
    c.set('admin', admin);
    c.set('session', session);
    await next();
  };
