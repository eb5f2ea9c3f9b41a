import { SetupInput } from '@app/shared';
import { Hono } from 'hono';
import { toAdmin } from '../../modules/auth/auth.ts';
import type { AppDeps } from '../app-deps.ts';
import type { AppEnv } from '../app-env.ts';
import { audited } from '../middleware/audited.ts';
import { readJson } from '../read-input.ts';
import { setSessionCookie } from '../session-cookie.ts';
import { meOf } from './me.ts';

export const setupRoutes = (deps: AppDeps) =>
  new Hono<AppEnv>()
    .get('/status', async (c) => c.json({ needsSetup: await deps.auth.needsSetup() }))
    // A refused setup (a wrong or used link, bad input) is counted, not audited: anyone can send one.
    .post('/', audited(deps, 'setup.complete', (c) => c.get('auditActor') ?? '', { keep: (_c, failed) => !failed }), async (c) => {
      const input = await readJson(c, SetupInput);
      c.set('auditActor', input.email);
      c.set('auditTarget', input.email);
      const { cookie, session, admin } = await deps.auth.completeSetup(input, { ip: deps.clientIp(c), userAgent: c.req.header('user-agent') ?? '' });
      setSessionCookie(c, cookie, deps.sessionCookieMaxAgeSeconds);
      return c.json(meOf(toAdmin(admin), session, deps), 201);
    });
