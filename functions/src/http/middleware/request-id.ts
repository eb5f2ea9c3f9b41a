import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.ts';

/** Every response carries an id that also appears in logs and error bodies. Client-sent ids are ignored. */
export const requestId = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const id = randomUUID();
  c.set('requestId', id);
  await next();
  c.header('X-Request-Id', id);
};
