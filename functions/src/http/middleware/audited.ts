import type { MiddlewareHandler } from 'hono';
import type { Audit } from '../../modules/audit/audit.ts';
import { mapError } from '../on-error.ts';
import type { AppEnv } from '../app-env.ts';

/** Marks audit middleware so a test can prove every mutating route has one. */
export const AUDITED = Symbol.for('purelymanage.audited');

export interface AuditContext {
  audit: Pick<Audit, 'record'>;
  clientIp: (c: Parameters<MiddlewareHandler<AppEnv>>[0]) => string;
}

/**
 * Writes exactly one audit entry per call of a mutating route, whether it succeeds or fails: who, what,
 * target, result (with the reason shown to the user, never a secret), when, IP and user agent.
 */
export function audited(ctx: AuditContext, action: string, target?: (c: Parameters<MiddlewareHandler<AppEnv>>[0]) => string): MiddlewareHandler<AppEnv> {
  const mw: MiddlewareHandler<AppEnv> = async (c, next) => {
    await next();
    const failed = c.res.status >= 400;
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
