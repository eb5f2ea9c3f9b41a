import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { Auth } from '../../modules/auth/auth.ts';
import type { SettingsModule } from '../../modules/settings/settings.ts';
import { SESSION_COOKIE } from '../../modules/auth/session-token.ts';
import type { AppEnv } from '../app-env.ts';

/**
 * Fails closed: no valid session, no handler. Sets `admin` and `session` for what follows.
 * With `settings`, the settings (for the 2FA enrolment check that follows) are read while the session is
 * checked rather than after it, and handed on as `settings`: one round trip less per request, and still
 * one read per request (nothing is cached across requests).
 */
export const requireSession =
  (auth: Pick<Auth, 'authenticate'>, settings?: Pick<SettingsModule, 'get'>): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const settingsRead = settings?.get();
    // Awaited (and its failure reported) by whoever needs it; not an unhandled rejection when the session fails first.
    settingsRead?.catch(() => {});
    const { admin, session } = await auth.authenticate(getCookie(c, SESSION_COOKIE));
    c.set('admin', admin);
    c.set('session', session);
    if (settingsRead) c.set('settings', settingsRead);
    await next();
  };
