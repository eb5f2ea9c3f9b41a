import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { Auth } from '../../modules/auth/auth.ts';
import { SESSION_COOKIE } from '../../modules/auth/session-token.ts';
import { withDefaultSettings } from '../../modules/settings/settings.ts';
import type { AppEnv } from '../app-env.ts';

/**
 * Fails closed: no valid session, no handler. Sets `admin`, `session` and `settings` for what follows.
 * The session, its admin and the panel settings (for the 2FA enrolment check) come from one batched read
 * per request; nothing is cached across requests. The once-a-minute lastSeenAt write runs alongside the
 * handler and is awaited before the answer leaves (a Lambda may freeze right after it).
 */
export const requireSession =
  (auth: Pick<Auth, 'authenticate'>): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const { admin, session, settings, touched } = await auth.authenticate(getCookie(c, SESSION_COOKIE));
    // A lost write only brings the idle deadline closer (fails closed); it must not undo the handler's answer.
    const touchDone = touched?.catch(() => {});
    c.set('admin', admin);
    c.set('session', session);
    c.set('settings', Promise.resolve(withDefaultSettings(settings)));
    try {
      await next();
    } finally {
      await touchDone;
    }
  };
