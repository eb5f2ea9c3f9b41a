import { BatchActionInput } from '@app/shared';
import { Hono } from 'hono';
import * as z from 'zod';
import { lazySchema } from '@app/shared';
import { BATCH_ID_PATTERN } from '../../modules/batches/batch-ids.ts';
import type { AppDeps } from '../app-deps.ts';
import type { AppEnv } from '../app-env.ts';
import { audited } from '../middleware/audited.ts';
import { readJson, readParam } from '../read-input.ts';

const Id = lazySchema(() => z.string().regex(BATCH_ID_PATTERN, 'is not a valid batch id'));
const fileName = (name: string) => name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'batch';

/** Batches: list, one batch with counts/progress/jobs, actions on selected jobs, the CSV report. */
export const batchRoutes = (deps: AppDeps) =>
  new Hono<AppEnv>()
    .get('/', async (c) => c.json(await deps.batches.list()))
    .get('/:id', async (c) => {
      c.header('Cache-Control', 'no-store');
      return c.json(await deps.batches.detail(readParam(c, 'id', Id)));
    })
    .post('/:id/actions', audited(deps, 'migration.batch.action.apply'), async (c) => {
      const id = readParam(c, 'id', Id);
      const input = await readJson(c, BatchActionInput);
      const result = await deps.batches.act(id, input, c.get('admin').email);
      c.set('auditTarget', `${id} ${input.action}`);
      c.set('auditDetails', `${result.done.length} done, ${result.skipped.length} skipped`);
      return c.json(result, 202);
    })
    .get('/:id/report.csv', async (c) => {
      const id = readParam(c, 'id', Id);
      const { name, csv } = await deps.batches.reportCsv(id);
      c.header('Content-Type', 'text/csv; charset=utf-8');
      c.header('Content-Disposition', `attachment; filename="${fileName(name)}-report.csv"`);
      c.header('X-Content-Type-Options', 'nosniff');
      c.header('Cache-Control', 'no-store');
      return c.body(csv);
    });
