import { IMPORT_COLUMNS, IMPORT_OPTIONAL_COLUMNS, type ImportInput, type ImportPreview, type ImportPreviewInput, type ImportResult, type ServerProfile } from '@app/shared';
import { ValidationError } from '../errors.ts';
import type { Batches } from '../batches/batches.ts';
import { parseImportCsv } from './parse-import-csv.ts';
import { validateImport } from './validate-import.ts';

/** The downloadable template: the header and one example row to overwrite. */
export const IMPORT_TEMPLATE = `${[...IMPORT_COLUMNS, ...IMPORT_OPTIONAL_COLUMNS].join(',')}\r\nalice@old-provider.example,"source password, quotes "" allowed",alice@example.com,destination-password,,\r\n`;

/**
 * Bulk CSV import in two steps.
 * preview: 1. Parse  2. Validate every row against the saved servers  3. Answer per line, no password.
 * import:  1. The same parse and validation, server-side (the preview is not trusted)  2. All or nothing:
 *          any error and nothing is created  3. One batch of jobs, passwords sealed on arrival, first runs
 *          queued now (dry or full) or left for Start.
 */
export function makeBulkImport(deps: { servers: { list(): Promise<ServerProfile[]> }; batches: Pick<Batches, 'create'> }) {
  const check = async (input: ImportPreviewInput) => validateImport(await parseImportCsv(input.csv), await deps.servers.list(), input);
  return {
    template: () => IMPORT_TEMPLATE,
    async preview(input: ImportPreviewInput): Promise<ImportPreview> {
      return (await check(input)).preview;
    },
    async import(input: ImportInput, actor: string): Promise<ImportResult> {
      const { preview, rows } = await check(input);
      if (!preview.ok) {
        const fields = [
          ...preview.fileErrors.map((e) => ({ path: e.line ? `line ${e.line}` : 'file', message: e.message })),
          ...preview.rows.flatMap((r) => r.errors.map((message) => ({ path: `line ${r.line}`, message }))),
        ];
        const what = preview.fileErrors.length ? 'The file cannot be imported' : `${preview.invalidRows} of ${preview.totalRows} ${preview.totalRows === 1 ? 'row' : 'rows'} ${preview.invalidRows === 1 ? 'has' : 'have'} errors`;
        throw new ValidationError(`${what}; nothing was queued. Fix the file and preview it again.`, fields.slice(0, 200));
      }
      const start = input.start === 'later' ? 'none' : input.mode === 'dry-first' ? 'dry' : 'full';
      const { batch, jobs } = await deps.batches.create({ name: input.batchName, origin: 'csv', createdBy: actor, rows, start, mode: input.mode });
      return { batch, jobCount: jobs.length };
    },
  };
}
export type BulkImport = ReturnType<typeof makeBulkImport>;
