import { AuditQuery } from '@app/shared';
import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import type { AppEnv } from '../app-env.ts';
import { readQuery } from '../read-input.ts';

/** Read-only on purpose: there is no route that edits or deletes audit entries. */
export const auditRoutes = (deps: AppDeps) =>
  new Hono<AppEnv>()
    .get('/', async (c) => c.json(await deps.audit.query(readQuery(c, AuditQuery))))
    // What the public routes received that is counted instead of audited one by one, last 7 days; and the retention.
    .get('/public-requests', async (c) => c.json(await deps.audit.publicRequestCounts(7)))
    .get('/export.csv', async (c) => {
      const csv = await deps.audit.exportCsv(readQuery(c, AuditQuery.omit({ cursor: true, limit: true }).extend({ limit: AuditQuery.shape.limit })));
      c.header('Content-Type', 'text/csv; charset=utf-8');
      c.header('Content-Disposition', `attachment; filename="purelymanage-audit-${new Date().toISOString().slice(0, 10)}.csv"`);
      return c.body(csv);
    });
