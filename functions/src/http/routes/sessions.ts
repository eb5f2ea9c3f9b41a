import { Hono } from 'hono';
import * as z from 'zod';
import type { AppDeps } from '../app-deps.ts';
import type { AppEnv } from '../app-env.ts';
import { audited } from '../middleware/audited.ts';
import { readParam } from '../read-input.ts';
import { clearSessionCookie } from '../session-cookie.ts';

const SessionId = z.string().regex(/^[0-9a-f]{64}$/, 'is not a session id');

export const sessionRoutes = (deps: AppDeps) =>
  new Hono<AppEnv>()
    .get('/', async (c) => c.json({ sessions: await deps.auth.listSessions(c.get('session').id) }))
    .delete('/:id', audited(deps, 'session.revoke'), async (c) => {
      const id = readParam(c, 'id', SessionId);
      const own = id === c.get('session').id;
      const target = (await deps.auth.listSessions(c.get('session').id)).find((s) => s.id === id);
      c.set('auditTarget', target ? `${target.adminEmail} (${target.device}, ${target.ip})` : id.slice(0, 12));
      await deps.auth.revokeSession(id);
      if (own) clearSessionCookie(c);
      return c.body(null, 204);
    });
