import { UpdateDnsHealthSettingsInput } from '@app/shared';
import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import type { AppEnv } from '../app-env.ts';
import { audited } from '../middleware/audited.ts';
import { readJson } from '../read-input.ts';

/** Stored DNS health per domain (no PurelyMail call: only tier runs recheck) and the backoff ceiling. */
export const dnsHealthRoutes = (deps: AppDeps) =>
  new Hono<AppEnv>()
    .get('/', async (c) => c.json({ domains: await deps.dnsHealth.list() }))
    .get('/settings', async (c) => c.json(await deps.dnsHealth.getSettings()))
    .put('/settings', audited(deps, 'dns_health.settings.update', () => 'DNS recheck settings'), async (c) => {
      const input = await readJson(c, UpdateDnsHealthSettingsInput);
      const saved = await deps.dnsHealth.updateSettings(input);
      c.set('auditDetails', JSON.stringify({ failingCeilingMinutes: input.failingCeilingMinutes }));
      return c.json(saved);
    });
