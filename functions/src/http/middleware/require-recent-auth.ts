import type { MiddlewareHandler } from 'hono';
import type { Auth } from '../../modules/auth/auth.ts';
import type { AppEnv } from '../app-env.ts';

/**
 * Runs after requireSession (and after `audited`, so refusals are audited too) on sensitive routes: the
 * session must have checked the password in the last 5 minutes, else 401 `reauth_required` (ASVS 7.5).
 */
export const requireRecentAuth =
  (auth: Pick<Auth, 'assertRecentAuth'>): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    auth.assertRecentAuth(c.get('session'));
    await next();
  };
