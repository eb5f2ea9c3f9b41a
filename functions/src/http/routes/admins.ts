import { AdminEmail, CreateAdminInput } from '@app/shared';
import { Hono } from 'hono';
import { toAdmin } from '../../modules/auth/auth.ts';
import type { AppDeps } from '../app-deps.ts';
import type { AppEnv } from '../app-env.ts';
import { audited } from '../middleware/audited.ts';
import { requireRecentAuth } from '../middleware/require-recent-auth.ts';
import { readJson, readParam } from '../read-input.ts';

/** Adding and removing admins are sensitive: both need a password check from the last 5 minutes. */
export const adminRoutes = (deps: AppDeps) =>
  new Hono<AppEnv>()
    .get('/', async (c) => c.json({ admins: await deps.auth.listAdmins() }))
    .post('/', audited(deps, 'admin.create'), requireRecentAuth(deps.auth), async (c) => {
      const input = await readJson(c, CreateAdminInput);
      c.set('auditTarget', `${input.email} (${input.role})`);
      return c.json(toAdmin(await deps.auth.createAdmin(c.get('admin'), input)), 201);
    })
    .delete('/:email', audited(deps, 'admin.remove'), requireRecentAuth(deps.auth), async (c) => {
      const email = readParam(c, 'email', AdminEmail);
      await deps.auth.removeAdmin(c.get('admin'), email);
      return c.body(null, 204);
    });
