import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import type { AppEnv } from '../app-env.ts';
import { audited } from '../middleware/audited.ts';

export const dashboardRoutes = (deps: AppDeps) =>
  new Hono<AppEnv>()
    .get('/dashboard', async (c) => c.json(await deps.getDashboard(await c.get('settings'))))
    .post('/sync', audited(deps, 'cache.sync', () => 'PurelyMail'), async (c) => {
      await deps.refreshCache();
      return c.json(await deps.getDashboard());
    });
