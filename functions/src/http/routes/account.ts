import { ChangePasswordInput } from '@app/shared';
import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import type { AppEnv } from '../app-env.ts';
import { audited } from '../middleware/audited.ts';
import { readJson } from '../read-input.ts';
import { mfaRoutes } from './mfa.ts';

export const accountRoutes = (deps: AppDeps) =>
  new Hono<AppEnv>()
    .route('/mfa', mfaRoutes(deps))
    .post('/password', audited(deps, 'account.password.change', (c) => c.get('admin').email), async (c) => {
      const input = await readJson(c, ChangePasswordInput);
      const result = await deps.auth.changePassword(c.get('admin'), c.get('session').id, input);
      c.set('auditDetails', `ended ${result.endedSessions} other session(s)`);
      return c.json(result);
    });
