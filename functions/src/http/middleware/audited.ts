import type { MiddlewareHandler } from 'hono';
import type { Audit } from '../../modules/audit/audit.ts';
import { mapError } from '../on-error.ts';
import type { AppEnv } from '../app-env.ts';

/** Marks audit middleware so a test can prove every mutating route has one. */
export const AUDITED = Symbol.for('purelymanage.audited');

export interface AuditContext {
  audit: Pick<Audit, 'record' | 'countPublicRequest'>;
  clientIp: (c: Parameters<MiddlewareHandler<AppEnv>>[0]) => string;
}

type Ctx = Parameters<MiddlewareHandler<AppEnv>>[0];

/**
 * Writes exactly one audit entry per call of a mutating route, whether it succeeds or fails: who, what,
 * target, result (with the reason shown to the user, never a secret), when, IP and user agent.
 * On a public route (no session: anyone can call it), `keep` says which calls are worth an entry (what
 * succeeded, or what names a real account); every other call is only counted per day (`<action> ok` or
 * `<action> refused <status>`), so an anonymous client cannot write the audit log full.
 */
export function audited(ctx: AuditContext, action: string, target?: (c: Ctx) => string, publicRoute?: { keep: (c: Ctx, failed: boolean) => boolean }): MiddlewareHandler<AppEnv> {
  const mw: MiddlewareHandler<AppEnv> = async (c, next) => {
    await next();
    const failed = c.res.status >= 400;
    if (publicRoute && !publicRoute.keep(c, failed)) {
      await ctx.audit.countPublicRequest(action, failed ? `refused ${c.res.status}` : c.get('auditDetails')?.startsWith('dropped') ? 'dropped' : 'ok');
      return;
    }
    const mapped = c.error ? mapError(c.error) : undefined;
    const params = c.req.param() as Record<string, string>;
    await ctx.audit.record({
      actor: c.get('admin')?.email ?? c.get('auditActor') ?? 'anonymous',
      action,
      target: (c.get('auditTarget') ?? target?.(c) ?? Object.values(params).join(' ')).slice(0, 500),
      result: failed ? 'failed' : 'ok',
      ...(failed ? { reason: mapped?.message ?? (c.error ? 'Internal error' : `HTTP ${c.res.status}`) } : {}),
      ip: ctx.clientIp(c),
      userAgent: (c.req.header('user-agent') ?? '').slice(0, 300),
      ...(c.get('auditDetails') ? { details: c.get('auditDetails') } : {}),
    });
  };
  Object.defineProperty(mw, AUDITED, { value: action });
  return mw;
}
