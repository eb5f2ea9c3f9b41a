import { AdminEmail, ChangeRoleInput, CreateAdminInput } from '@app/shared';
import { Hono, type MiddlewareHandler } from 'hono';
import { toAdmin } from '../../modules/auth/auth.ts';
import type { AppDeps } from '../app-deps.ts';
import type { AppEnv } from '../app-env.ts';
import { audited } from '../middleware/audited.ts';
import { requireRecentAuth } from '../middleware/require-recent-auth.ts';
import { readJson, readParam } from '../read-input.ts';

/** Refused whatever is re-checked (not an owner, one's own account): said before the password is asked for again. */
const mayManage =
  (deps: AppDeps, change: 'remove' | 'role'): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    deps.auth.assertMayManageAdmin(c.get('admin'), readParam(c, 'email', AdminEmail), change);
    await next();
  };

/** Adding, removing and changing the role of admins are sensitive: each needs a password check from the last 5 minutes. Owners only. */
export const adminRoutes = (deps: AppDeps) =>
  new Hono<AppEnv>()
    .get('/', async (c) => c.json({ admins: await deps.auth.listAdmins() }))
    .post('/', audited(deps, 'admin.create'), requireRecentAuth(deps.auth), async (c) => {
      const input = await readJson(c, CreateAdminInput);
      c.set('auditTarget', `${input.email} (${input.role})`);
      return c.json(toAdmin(await deps.auth.createAdmin(c.get('admin'), input)), 201);
    })
    .patch('/:email', audited(deps, 'admin.role.change'), mayManage(deps, 'role'), requireRecentAuth(deps.auth), async (c) => {
      const email = readParam(c, 'email', AdminEmail);
      const { role } = await readJson(c, ChangeRoleInput);
      c.set('auditTarget', email);
      const { admin, from } = await deps.auth.changeAdminRole(c.get('admin'), email, role);
      c.set('auditDetails', `${from} → ${role}`);
      return c.json(toAdmin(admin));
    })
    .delete('/:email', audited(deps, 'admin.remove'), mayManage(deps, 'remove'), requireRecentAuth(deps.auth), async (c) => {
      const email = readParam(c, 'email', AdminEmail);
      await deps.auth.removeAdmin(c.get('admin'), email);
      return c.body(null, 204);
    });
