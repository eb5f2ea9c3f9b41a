import { Hono } from 'hono';
import * as z from 'zod';
import { lazySchema } from '@app/shared';
import type { AppDeps } from '../app-deps.ts';
import type { AppEnv } from '../app-env.ts';
import { audited } from '../middleware/audited.ts';
import { readParam } from '../read-input.ts';

const ActionId = lazySchema(() => z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'is not a pending action id'));

/** The pending queue: what is waiting, and Cancel (any admin). Requests come from the users/domains/routing routes. */
export const pendingActionRoutes = (deps: AppDeps) =>
  new Hono<AppEnv>()
    .get('/', async (c) => c.json(await deps.pendingActions.list()))
    .post('/:id/cancel', audited(deps, 'pending.cancel'), async (c) => {
      const id = readParam(c, 'id', ActionId);
      const cancelled = await deps.pendingActions.cancel(id, c.get('admin').email);
      c.set('auditTarget', cancelled.label);
      c.set('auditDetails', `${cancelled.kind} ${cancelled.target} (${id})`);
      return c.json(cancelled);
    });
