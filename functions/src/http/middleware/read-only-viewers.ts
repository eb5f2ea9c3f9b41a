import { whyNot } from '@app/shared';
import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { ForbiddenError } from '../../modules/errors.ts';
import type { AppEnv } from '../app-env.ts';
import type { AuditContext } from './audited.ts';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The state-changing routes a viewer may call: their own password, 2FA and sessions (ending another admin's
 * session is refused by the use case), and reloading the PurelyMail lists they look at. A test lists every
 * other mutating route and proves each answers a viewer 403.
 */
export const VIEWER_ROUTES = [
  'POST /api/account/password',
  'POST /api/account/mfa/enrol',
  'POST /api/account/mfa/confirm',
  'POST /api/account/mfa/disable',
  'DELETE /api/sessions',
  'DELETE /api/sessions/:id',
  'POST /api/sync',
  'POST /api/users/refresh',
] as const;

/**
 * Runs after requireSession on every private route: a viewer's state-changing request is refused (403) unless
 * the route is in VIEWER_ROUTES. Fails closed: a new route is read-only for viewers until listed. The refusal
 * is audited (a failed authorization attempt, ASVS 16.3.2) as `authz.deny` with the route as target.
 */
export const readOnlyForViewers =
  (ctx: AuditContext): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const admin = c.get('admin');
    if (admin.role !== 'viewer' || !MUTATING.has(c.req.method)) return next();
    // The route this request ends at: the last matched one for this method (middleware and the catch-all are ALL).
    const route = matchedRoutes(c).filter((r) => r.method === c.req.method).at(-1)?.path;
    if (route && (VIEWER_ROUTES as readonly string[]).includes(`${c.req.method} ${route}`)) return next();
    const reason = whyNot(admin.role, 'change')!;
    await ctx.audit.record({
      actor: admin.email,
      action: 'authz.deny',
      target: `${c.req.method} ${route ?? c.req.path}`.slice(0, 500),
      result: 'failed',
      reason,
      ip: ctx.clientIp(c),
      userAgent: (c.req.header('user-agent') ?? '').slice(0, 300),
    });
    throw new ForbiddenError(reason);
  };
