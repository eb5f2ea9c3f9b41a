import { IMPORT_COLUMNS, IMPORT_OPTIONAL_COLUMNS, type ImportInput, type ImportPreview, type ImportPreviewInput, type ImportResult, type ServerProfile } from '@app/shared';
import type { Batches } from '../batches/batches.ts';
import { rowsToImport } from '../csv-import/import-policy.ts';
import { parseImportCsv } from './parse-import-csv.ts';
import { validateImport } from './validate-import.ts';

/** The downloadable template: the header and one example row to overwrite. */
export const IMPORT_TEMPLATE = `${[...IMPORT_COLUMNS, ...IMPORT_OPTIONAL_COLUMNS].join(',')}\r\nalice@old-provider.example,"source password, quotes "" allowed",alice@example.com,destination-password,,\r\n`;

/**
 * Bulk CSV import in two steps.
 * preview: 1. Parse  2. Validate every row against the saved servers  3. Answer per line, no password.
 * import:  1. The same parse and validation, server-side (the preview is not trusted)  2. The policy: all or
 *          nothing (any error and nothing is created), or only the valid rows (the others skipped, each
 *          named)  3. One batch of jobs, passwords sealed on arrival, first runs queued now (dry or full) or
 *          left for Start. Invalid rows are never written, not even in part.
 */
export function makeBulkImport(deps: { servers: { list(): Promise<ServerProfile[]> }; batches: Pick<Batches, 'create'> }) {
  const check = async (input: ImportPreviewInput) => validateImport(await parseImportCsv(input.csv), await deps.servers.list(), input);
  return {
    template: () => IMPORT_TEMPLATE,
    async preview(input: ImportPreviewInput): Promise<ImportPreview> {
      return (await check(input)).preview;
    },
    async import(input: ImportInput, actor: string): Promise<ImportResult> {
      const { preview, valid } = await check(input);
      const { inputs: rows, skipped } = rowsToImport(preview, valid, input.policy, 'queued');
      const start = input.start === 'later' ? 'none' : input.mode === 'dry-first' ? 'dry' : 'full';
      const { batch, jobs } = await deps.batches.create({ name: input.batchName, origin: 'csv', createdBy: actor, rows, start, mode: input.mode });
      return { batch, jobCount: jobs.length, skipped };
    },
  };
}
export type BulkImport = ReturnType<typeof makeBulkImport>;
