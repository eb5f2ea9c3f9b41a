import { PublicHandoverInput } from '@app/shared';
import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import type { AppEnv } from '../app-env.ts';
import { audited } from '../middleware/audited.ts';
import { readJson } from '../read-input.ts';

/**
 * The public hand-over page's API (no session): opens a one-time link. The token travels in the JSON body (the page
 * reads it from the URL fragment), so no access log records it; the answer (the password) is never cached. An opened
 * link writes one audit entry (actor `hand-over link`, the user's address as target, never the password or token);
 * refused opens (unknown, already opened, expired, throttled) are only counted per day, as anyone can send them.
 */
export const publicHandoverRoutes = (deps: AppDeps) =>
  new Hono<AppEnv>()
    .use('*', async (c, next) => {
      await next();
      c.header('Cache-Control', 'no-store');
      c.header('Referrer-Policy', 'no-referrer');
    })
    .post('/open', audited(deps, 'user.handover.open', () => '', { keep: (_c, failed) => !failed }), async (c) => {
      const { token } = await readJson(c, PublicHandoverInput);
      c.set('auditActor', 'hand-over link');
      const out = await deps.userHandover.open(token, deps.clientIp(c), (address) => c.set('auditTarget', address));
      c.set('auditDetails', `one-time link opened at ${out.openedAt}; the password was shown once`);
      return c.json(out);
    });
