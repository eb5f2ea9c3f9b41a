import { IMPORT_COLUMNS, IMPORT_OPTIONAL_COLUMNS, MAX_IMPORT_ROWS } from '@app/shared';

export type ImportColumn = (typeof IMPORT_COLUMNS)[number] | (typeof IMPORT_OPTIONAL_COLUMNS)[number];

/** One data row: the line it starts on (1 = header) and its cells by column (missing optional columns absent). */
export interface CsvRow {
  line: number;
  cells: Partial<Record<ImportColumn, string>>;
  /** Set when the row has a different number of fields than the header. */
  fieldCountError?: string;
}

export interface ParsedCsv {
  fileErrors: { line: number | null; message: string }[];
  rows: CsvRow[];
}

const KNOWN: readonly string[] = [...IMPORT_COLUMNS, ...IMPORT_OPTIONAL_COLUMNS];
const plural = (n: number, what: string) => `${n.toLocaleString('en-US')} ${what}${n === 1 ? '' : 's'}`;
const lineOf = (text: string, index: number) => text.slice(0, index).split('\n').length;
const isBlank = (record: string[]) => record.every((c) => c.trim() === '');
const newlines = (s: string) => s.split('\n').length - 1;

// csv-parse error codes that point at the file's syntax, said in plain words.
const SYNTAX: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is opened but never closed',
  CSV_INVALID_CLOSING_QUOTE: 'a closing quote is followed by other characters (write a quote inside a quoted field as two quotes: "")',
  INVALID_OPENING_QUOTE: 'a quote appears in the middle of a field',
};

/**
 * Reads the import CSV with a real parser: a UTF-8 BOM, CRLF or LF line ends, quoted fields (commas, quotes
 * and line breaks inside), blank lines skipped. Line numbers are the file's own, counted from the raw text
 * of every record, so a row after a multi-line field still gets its true line.
 * Nothing here looks at the values beyond the header; passwords are never put into a message.
 */
export async function parseImportCsv(input: string): Promise<ParsedCsv> {
  const fileErrors: ParsedCsv['fileErrors'] = [];
  // Line ends are normalised first: no valid value may contain one, and the parser then has one delimiter.
  const text = input.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const bad = text.search(/[\uFFFD\0]/);
  if (bad >= 0) return { fileErrors: [{ line: lineOf(text, bad), message: `Line ${lineOf(text, bad)} is not UTF-8 text. Save the file as "CSV UTF-8" and try again.` }], rows: [] };

  // Loaded on first use: only bulk imports parse CSV, so a cold start does not compile the parser.
  const { parse } = await import('csv-parse/sync');
  let records: { record: string[]; raw: string }[];
  try {
    records = parse(text, { raw: true, relax_column_count: true, relax_quotes: true, record_delimiter: '\n', skip_empty_lines: false }) as unknown as { record: string[]; raw: string }[];
  } catch (err) {
    const e = err as { code?: string; lines?: number };
    const line = typeof e.lines === 'number' ? e.lines : null;
    return { fileErrors: [{ line, message: `${line ? `Line ${line}: ` : ''}${SYNTAX[e.code ?? ''] ?? 'the file is not valid CSV'}.` }], rows: [] };
  }

  let next = 1;
  const numbered = records.map((r) => {
    const line = next;
    next += Math.max(1, newlines(r.raw));
    return { line, record: r.record };
  });
  const nonBlank = numbered.filter((r) => !isBlank(r.record));
  const header = nonBlank.shift();
  if (!header) return { fileErrors: [{ line: null, message: 'The file is empty. Start from the template: its first line names the columns.' }], rows: [] };

  const names = header.record.map((h) => h.trim().toLowerCase());
  const unknown = names.filter((n) => !KNOWN.includes(n));
  const missing = IMPORT_COLUMNS.filter((c) => !names.includes(c));
  const doubled = names.filter((n, i) => names.indexOf(n) !== i);
  if (missing.length === IMPORT_COLUMNS.length) {
    fileErrors.push({ line: header.line, message: `Line ${header.line} must be the header: ${IMPORT_COLUMNS.join(',')} (optionally ,${IMPORT_OPTIONAL_COLUMNS.join(',')}).` });
  } else {
    if (missing.length) fileErrors.push({ line: header.line, message: `The header lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}.` });
    // Unknown names are quoted only when short and header-like: a data line mistaken for a header may hold a password.
    if (unknown.length) fileErrors.push({ line: header.line, message: `The header has ${plural(unknown.length, 'unknown column')}${unknown.every((u) => /^[a-z_ ]{1,30}$/.test(u)) ? `: ${unknown.join(', ')}` : ''}. Allowed: ${KNOWN.join(', ')}.` });
    if (doubled.length) fileErrors.push({ line: header.line, message: `The header names ${[...new Set(doubled)].join(', ')} more than once.` });
  }
  if (nonBlank.length === 0 && fileErrors.length === 0) fileErrors.push({ line: null, message: 'The file has a header but no rows.' });
  if (nonBlank.length > MAX_IMPORT_ROWS) fileErrors.push({ line: nonBlank[MAX_IMPORT_ROWS]!.line, message: `The file has ${plural(nonBlank.length, 'row')}; one import takes at most ${MAX_IMPORT_ROWS.toLocaleString('en-US')}. Split it into several files.` });
  if (fileErrors.length) return { fileErrors, rows: [] };

  const rows = nonBlank.map(({ line, record }): CsvRow => {
    const cells: CsvRow['cells'] = {};
    names.forEach((n, i) => {
      if (record[i] !== undefined) cells[n as ImportColumn] = record[i];
    });
    return record.length === names.length ? { line, cells } : { line, cells: {}, fieldCountError: `has ${plural(record.length, 'field')}; the header has ${names.length}. Put a value that contains a comma in double quotes.` };
  });
  return { fileErrors, rows };
}
