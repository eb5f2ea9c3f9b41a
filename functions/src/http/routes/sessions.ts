import { Hono } from 'hono';
import * as z from 'zod';
import { lazySchema } from '@app/shared';
import type { AppDeps } from '../app-deps.ts';
import type { AppEnv } from '../app-env.ts';
import { audited } from '../middleware/audited.ts';
import { requireRecentAuth } from '../middleware/require-recent-auth.ts';
import { readParam } from '../read-input.ts';
import { clearSessionCookie } from '../session-cookie.ts';

const SessionId = lazySchema(() => z.string().regex(/^[0-9a-f]{64}$/, 'is not a session id'));

/**
 * Sessions list and revocation. Ending someone else's session, or all of one's other sessions, is sensitive
 * (a password check from the last 5 minutes); ending one's own session is a sign-out and needs none.
 */
export const sessionRoutes = (deps: AppDeps) =>
  new Hono<AppEnv>()
    .get('/', async (c) => c.json({ sessions: await deps.auth.listSessions(c.get('session').id) }))
    .delete('/', audited(deps, 'session.others.revoke', (c) => c.get('admin').email), requireRecentAuth(deps.auth), async (c) => {
      const endedSessions = await deps.auth.endAdminSessions(c.get('admin').email, c.get('session').id);
      c.set('auditDetails', `ended ${endedSessions} other session(s)`);
      return c.json({ endedSessions });
    })
    .delete('/:id', audited(deps, 'session.revoke'), async (c) => {
      const id = readParam(c, 'id', SessionId);
      const own = id === c.get('session').id;
      if (!own) deps.auth.assertRecentAuth(c.get('session'));
      const target = (await deps.auth.listSessions(c.get('session').id)).find((s) => s.id === id);
      c.set('auditTarget', target ? `${target.adminEmail} (${target.device}, ${target.ip})` : id.slice(0, 12));
      await deps.auth.revokeSession(c.get('admin'), id);
      if (own) clearSessionCookie(c);
      return c.body(null, 204);
    });
