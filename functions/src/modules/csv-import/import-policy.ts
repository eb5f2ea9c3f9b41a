import type { ImportFileError, ImportPolicy, SkippedLine } from '@app/shared';
import { ValidationError } from '../errors.ts';

/** What a checked import file looks like to the policy: file problems, and every row with its line and errors. */
export interface CheckedFile {
  fileErrors: readonly ImportFileError[];
  rows: readonly { line: number; errors: readonly string[] }[];
  totalRows: number;
  invalidRows: number;
}

const rowsWord = (n: number) => `${n.toLocaleString('en-US')} ${n === 1 ? 'row' : 'rows'}`;

/**
 * Which rows an import goes on with, under the admin's policy, decided on the server from its own check of
 * the file (the browser's preview is not trusted):
 * 1. A file problem (header, encoding, size): nothing, whatever the policy.
 * 2. all-or-nothing: every row, or nothing when any row has an error.
 * 3. valid-only: the valid rows, the others skipped with their reasons; nothing when no row is valid.
 * Refusals are a 400 naming every line (at most 200) and saying that nothing was `done` ("queued", "created").
 */
export function rowsToImport<T>(file: CheckedFile, valid: readonly { line: number; input: T }[], policy: ImportPolicy, done: string): { inputs: T[]; skipped: SkippedLine[] } {
  const fields = () => [
    ...file.fileErrors.map((e) => ({ path: e.line ? `line ${e.line}` : 'file', message: e.message })),
    ...file.rows.flatMap((r) => r.errors.map((message) => ({ path: `line ${r.line}`, message }))),
  ].slice(0, 200);
  if (file.fileErrors.length) throw new ValidationError(`The file cannot be imported; nothing was ${done}. Fix the file and preview it again.`, fields());
  if (file.totalRows === 0) throw new ValidationError(`The file has no rows; nothing was ${done}.`, fields());
  if (policy === 'all-or-nothing' && file.invalidRows > 0) {
    throw new ValidationError(
      `${file.invalidRows.toLocaleString('en-US')} of ${rowsWord(file.totalRows)} ${file.invalidRows === 1 ? 'has' : 'have'} errors; nothing was ${done}. Fix the file and preview it again, or choose "Only the valid rows".`,
      fields(),
    );
  }
  if (valid.length === 0) throw new ValidationError(`${file.totalRows === 1 ? 'The one row is not valid' : `None of the ${rowsWord(file.totalRows)} is valid`}; nothing was ${done}. Fix the file and preview it again.`, fields());
  return { inputs: valid.map((v) => v.input), skipped: file.rows.filter((r) => r.errors.length).map((r) => ({ line: r.line, errors: [...r.errors] })) };
}
