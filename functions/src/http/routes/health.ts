import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import type { AppEnv } from '../app-env.ts';

/** 200 when the store and PurelyMail answer, 503 with the reason otherwise. Public, no secrets. */
export const healthRoutes = (deps: AppDeps) =>
  new Hono<AppEnv>().get('/', async (c) => {
    const health = await deps.health();
    return c.json(health, health.ok ? 200 : 503);
  });
