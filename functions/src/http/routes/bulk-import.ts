import { ImportInput, ImportPreviewInput } from '@app/shared';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppDeps } from '../app-deps.ts';
import type { AppEnv } from '../app-env.ts';
import { audited } from '../middleware/audited.ts';
import { readJson } from '../read-input.ts';

/** The import bodies carry a CSV of up to 2 MB (as a JSON string); every other route keeps the small limit. */
export const IMPORT_MAX_BODY_BYTES = 3 * 1024 * 1024;
export const LARGE_BODY_PATHS: readonly string[] = ['/api/migrations/import', '/api/migrations/import/preview', '/api/users/import', '/api/users/import/preview', '/api/users/import/handover-links'];
/** The import routes' own limit (users and migrations alike). */
export const importBodyLimit = bodyLimit({ maxSize: IMPORT_MAX_BODY_BYTES, onError: (c) => c.json({ error: { code: 'too_large', message: 'The file is too large: at most 2 MB.' } }, 413) });

/**
 * Bulk CSV import: the template, a preview with per-line errors, and the import (all or nothing, or valid rows only). Audit entries
 * name the batch and the row count; the CSV (passwords) is never logged or stored.
 */
export const bulkImportRoutes = (deps: AppDeps) =>
  new Hono<AppEnv>()
    .get('/template.csv', (c) => {
      c.header('Content-Type', 'text/csv; charset=utf-8');
      c.header('Content-Disposition', 'attachment; filename="migration-import-template.csv"');
      c.header('X-Content-Type-Options', 'nosniff');
      return c.body(deps.bulkImport.template());
    })
    .post('/preview', audited(deps, 'migration.import.preview', () => 'CSV preview'), importBodyLimit, async (c) => {
      const preview = await deps.bulkImport.preview(await readJson(c, ImportPreviewInput));
      c.set('auditDetails', `${preview.totalRows} rows, ${preview.invalidRows} with errors`);
      return c.json(preview);
    })
    .post('/', audited(deps, 'migration.import'), importBodyLimit, async (c) => {
      const input = await readJson(c, ImportInput);
      c.set('auditTarget', `CSV import "${input.batchName}"`);
      const result = await deps.bulkImport.import(input, c.get('admin').email);
      c.set('auditTarget', `${result.batch.id} "${result.batch.name}"`);
      c.set('auditDetails', `${result.jobCount} jobs, ${input.mode}, start ${input.start}, ${input.policy}${result.skipped.length ? `, skipped lines ${result.skipped.map((s) => s.line).join(' ')}` : ''}`.slice(0, 1000));
      return c.json(result, 201);
    });
