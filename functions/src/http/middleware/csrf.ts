import { CSRF_HEADER } from '@app/shared';
import type { MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ForbiddenError } from '../../modules/errors.ts';
import type { AppEnv } from '../app-env.ts';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);


/**
 * CSRF defence for every state-changing request (ASVS 3.5): the custom header (a cross-site form cannot
 * set it, and a cross-site fetch with it needs a preflight we never grant), a same-origin `Origin`,
 * Fetch Metadata when present, and JSON bodies only. SameSite=Strict cookies are defence in depth.
 */
export const csrf =
  (allowedOrigins: readonly string[]): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    if (SAFE.has(c.req.method)) return next();
    const origin = c.req.header('origin');
    const site = c.req.header('sec-fetch-site');
    if (c.req.header(CSRF_HEADER) !== '1' || !origin || !allowedOrigins.includes(origin) || (site && site !== 'same-origin')) {
      throw new ForbiddenError('This request did not come from the PurelyManage page, so it was refused.');
    }
    const hasBody = Number(c.req.header('content-length') ?? 0) > 0 || c.req.header('transfer-encoding') !== undefined;
    if (hasBody && !/^application\/json\s*(;|$)/i.test(c.req.header('content-type') ?? '')) {
      throw new HTTPException(415, { message: 'Send the request body as JSON (Content-Type: application/json).' });
    }
    return next();
  };
