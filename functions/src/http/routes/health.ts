import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import type { AppEnv } from '../app-env.ts';

/**
 * `GET /api/health`: 200 when the store and PurelyMail answer, 503 otherwise, for anyone (uptime monitors) and so
 * with one word per dependency: no error text, secret ARN, account id or fix command. A failing check logs its
 * detail; signed-in admins read it at `/api/health/detail` ({@link healthDetailRoutes}).
 */
export const healthRoutes = (deps: AppDeps) =>
  new Hono<AppEnv>().get('/', async (c) => {
    const health = await deps.health();
    if (!health.public.ok) deps.logger.warn('health check failing', { requestId: c.get('requestId'), store: health.detail.store, purelymail: health.detail.purelymail });
    return c.json(health.public, health.public.ok ? 200 : 503);
  });

/** `GET /api/health/detail` (behind the session): the same check with the reasons, e.g. how to set a missing token. */
export const healthDetailRoutes = (deps: AppDeps) =>
  new Hono<AppEnv>().get('/detail', async (c) => {
    const { detail } = await deps.health();
    return c.json(detail, detail.ok ? 200 : 503);
  });
