import { AddDomainInput, DomainNameInput, UpdateDomainSettingsInput } from '@app/shared';
import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import type { AppEnv } from '../app-env.ts';
import { audited } from '../middleware/audited.ts';
import { readJson, readParam } from '../read-input.ts';

/** /api/domains: list and detail read the cache plus our own DNS lookups; the rest are audited changes. */
export const domainRoutes = (deps: AppDeps) =>
  new Hono<AppEnv>()
    .get('/', async (c) => c.json(await deps.domains.list()))
    .get('/ownership-code', async (c) => c.json(await deps.domains.ownershipCode()))
    .post('/', audited(deps, 'domain.add'), async (c) => {
      const { name } = await readJson(c, AddDomainInput);
      c.set('auditTarget', name);
      return c.json(await deps.domains.add(name), 201);
    })
    .get('/:name', async (c) => c.json(await deps.domains.detail(readParam(c, 'name', DomainNameInput))))
    .put('/:name/settings', audited(deps, 'domain.settings.update'), async (c) => {
      const name = readParam(c, 'name', DomainNameInput);
      const input = await readJson(c, UpdateDomainSettingsInput);
      c.set('auditDetails', JSON.stringify(input));
      return c.json(await deps.domains.updateSettings(name, input));
    })
    .post('/:name/recheck-dns', audited(deps, 'domain.dns.recheck'), async (c) => c.json(await deps.domains.recheckDns(readParam(c, 'name', DomainNameInput))))
    .delete('/:name', audited(deps, 'domain.delete.request'), async (c) => {
      const action = await deps.domains.requestDeletion(readParam(c, 'name', DomainNameInput), c.get('admin').email);
      c.set('auditDetails', `runs at ${action.executeAt}`);
      return c.json({ action }, 202);
    });
