import { CreateServerInput, SERVER_PRESETS, TestLoginAdHocInput, TestLoginInput, UpdateServerInput } from '@app/shared';
import { Hono } from 'hono';
import * as z from 'zod';
import { lazySchema } from '@app/shared';
import { ID_PATTERN } from '../../modules/migrations/ids.ts';
import type { AppDeps } from '../app-deps.ts';
import type { AppEnv } from '../app-env.ts';
import { audited } from '../middleware/audited.ts';
import { readJson, readParam } from '../read-input.ts';

const ServerId = lazySchema(() => z.string().regex(ID_PATTERN, 'is not a server id'));

/** IMAP server profiles and "test login". Passwords typed for a test are used once and never stored or echoed. */
export const serverRoutes = (deps: AppDeps) =>
  new Hono<AppEnv>()
    .get('/', async (c) => c.json({ servers: await deps.migrations.servers.list(), presets: SERVER_PRESETS }))
    .post('/', audited(deps, 'migration.server.create'), async (c) => {
      const input = await readJson(c, CreateServerInput);
      c.set('auditTarget', `${input.name} (${input.host}:${input.port})`);
      return c.json(await deps.migrations.servers.create(input), 201);
    })
    .post('/test-login', audited(deps, 'migration.server.login.test'), async (c) => {
      const input = await readJson(c, TestLoginAdHocInput);
      c.set('auditTarget', `${input.user} at ${input.host}:${input.port}`);
      const result = await deps.migrations.testLogin.adHoc(input, c.get('admin').email);
      c.set('auditDetails', result.ok ? 'ok' : result.reason);
      return c.json(result);
    })
    .put('/:id', audited(deps, 'migration.server.update'), async (c) => {
      const id = readParam(c, 'id', ServerId);
      const server = await deps.migrations.servers.update(id, await readJson(c, UpdateServerInput));
      c.set('auditTarget', `${server.name} (${server.host}:${server.port})`);
      return c.json(server);
    })
    .delete('/:id', audited(deps, 'migration.server.delete'), async (c) => {
      const id = readParam(c, 'id', ServerId);
      const server = await deps.migrations.servers.get(id);
      c.set('auditTarget', `${server.name} (${server.host}:${server.port})`);
      await deps.migrations.servers.delete(id);
      return c.body(null, 204);
    })
    .post('/:id/test-login', audited(deps, 'migration.server.login.test'), async (c) => {
      const id = readParam(c, 'id', ServerId);
      const input = await readJson(c, TestLoginInput);
      c.set('auditTarget', `${input.user} at server ${id}`);
      const result = await deps.migrations.testLogin.saved(id, input, c.get('admin').email);
      c.set('auditDetails', result.ok ? 'ok' : result.reason);
      return c.json(result);
    });
