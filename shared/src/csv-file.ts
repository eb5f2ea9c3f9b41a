/**
 * The one CSV writer of the panel (audit export, batch report, the new-mailboxes download): csv-stringify with
 * RFC 4180 output (CRLF, every field quoted) and one formula guard. Loaded on first use, so neither the api's cold
 * start nor the SPA's first page pays for it.
 */

export type CsvValue = string | number | null | undefined;

// A spreadsheet starts a formula at the start of a cell with =, +, - or @ (also their full-width forms, which
// some apps normalise). A cell starts at the start of the field and, when the file is opened with another
// separator than ours (Excel in a locale that splits on ';', a tab-separated import), after any of , ; tab or
// a line break inside the field, even if spaces come first: `x;=2+2;` must not run =2+2.
const FORMULA_START = /(^|[,;\t\r\n])(?=[ \t]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20])/g;

/**
 * Puts an apostrophe (the spreadsheet's "this is text" mark) before every formula start in a text value.
 * Numbers are left alone: a negative number is a number, not a formula.
 * @example neutraliseFormulas('x;=2+2;') // "x;'=2+2;"
 */
export const neutraliseFormulas = (value: string): string => value.replace(FORMULA_START, "$1'");

/**
 * The CSV text of a header row and data rows: every field quoted, formulas neutralised, CRLF line ends.
 * `verbatim` names columns written exactly as they are: a password in a credentials hand-over must come out as
 * it goes in (an apostrophe before `-x…` would make it a different password); nothing else may use it.
 */
export async function toCsv(header: readonly string[], rows: readonly (readonly CsvValue[])[], opts: { verbatim?: readonly string[] } = {}): Promise<string> {
  const { stringify } = await import('csv-stringify/sync');
  const keep = new Set((opts.verbatim ?? []).map((name) => header.indexOf(name)));
  const guarded = rows.map((r) => r.map((v, i) => (typeof v === 'string' && !keep.has(i) ? neutraliseFormulas(v) : v)));
  return stringify([header.map(neutraliseFormulas), ...guarded] as CsvValue[][], {
    quoted: true,
    quoted_empty: true,
    record_delimiter: 'windows',
    cast: { number: (n) => String(n) },
  });
}
