import { IMPORT_COLUMNS, IMPORT_OPTIONAL_COLUMNS, MAX_IMPORT_ROWS } from '@app/shared';
import { parseCsvTable, type ParsedCsv } from '../csv-import/parse-csv-table.ts';

export type ImportColumn = (typeof IMPORT_COLUMNS)[number] | (typeof IMPORT_OPTIONAL_COLUMNS)[number];
export type ParsedImportCsv = ParsedCsv<ImportColumn>;

/** The migration import's file: the shared CSV reader with the job columns. */
export const parseImportCsv = (input: string): Promise<ParsedImportCsv> =>
  parseCsvTable<ImportColumn>(input, { required: IMPORT_COLUMNS, optional: IMPORT_OPTIONAL_COLUMNS, maxRows: MAX_IMPORT_ROWS });
