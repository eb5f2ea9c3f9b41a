import { UpdateSettingsInput } from '@app/shared';
import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import type { AppEnv } from '../app-env.ts';
import { audited } from '../middleware/audited.ts';
import { readJson } from '../read-input.ts';

export const settingsRoutes = (deps: AppDeps) =>
  new Hono<AppEnv>()
    .get('/', async (c) => c.json(await deps.settings.get()))
    .put('/', audited(deps, 'settings.update', () => 'panel settings'), async (c) => {
      const input = await readJson(c, UpdateSettingsInput);
      const saved = await deps.settings.update(input, { role: c.get('admin').role, mfaEnabled: !!c.get('admin').mfa, recentAuth: deps.auth.recentlyAuthenticated(c.get('session')) });
      const { version: _v, ...changed } = input;
      c.set('auditDetails', JSON.stringify(changed));
      return c.json(saved);
    });
