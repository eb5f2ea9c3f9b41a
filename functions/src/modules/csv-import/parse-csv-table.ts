/** The columns an import's file has: required ones in the template's order, then optional ones, and a row cap. */
export interface CsvTableSpec<Column extends string> {
  required: readonly Column[];
  optional: readonly Column[];
  maxRows: number;
}

/** One data row: the line it starts on (1 = header) and its cells by column (missing optional columns absent). */
export interface CsvRow<Column extends string = string> {
  line: number;
  cells: Partial<Record<Column, string>>;
  /** Set when the row has a different number of fields than the header. */
  fieldCountError?: string;
}

export interface ParsedCsv<Column extends string = string> {
  fileErrors: { line: number | null; message: string }[];
  rows: CsvRow<Column>[];
}

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
 * The one reader of every CSV import (migration jobs, users), so both speak of lines and columns alike.
 * Reads the import CSV with a real parser: a UTF-8 BOM, CRLF or LF line ends, quoted fields (commas, quotes
 * and line breaks inside), blank lines skipped. Line numbers are the file's own, counted from the raw text
 * of every record, so a row after a multi-line field still gets its true line.
 * Nothing here looks at the values beyond the header; passwords are never put into a message.
 */
export async function parseCsvTable<Column extends string>(input: string, spec: CsvTableSpec<Column>): Promise<ParsedCsv<Column>> {
  const { required, optional, maxRows } = spec;
  const KNOWN: readonly string[] = [...required, ...optional];
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
  const missing = required.filter((c) => !names.includes(c));
  const doubled = names.filter((n, i) => names.indexOf(n) !== i);
  if (missing.length === required.length) {
    fileErrors.push({ line: header.line, message: `Line ${header.line} must be the header: ${required.join(',')} (optionally ,${optional.join(',')}).` });
  } else {
    if (missing.length) fileErrors.push({ line: header.line, message: `The header lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}.` });
    // Unknown names are quoted only when short and header-like: a data line mistaken for a header may hold a password.
    if (unknown.length) fileErrors.push({ line: header.line, message: `The header has ${plural(unknown.length, 'unknown column')}${unknown.every((u) => /^[a-z_ ]{1,30}$/.test(u)) ? `: ${unknown.join(', ')}` : ''}. Allowed: ${KNOWN.join(', ')}.` });
    if (doubled.length) fileErrors.push({ line: header.line, message: `The header names ${[...new Set(doubled)].join(', ')} more than once.` });
  }
  if (nonBlank.length === 0 && fileErrors.length === 0) fileErrors.push({ line: null, message: 'The file has a header but no rows.' });
  if (nonBlank.length > maxRows) fileErrors.push({ line: nonBlank[maxRows]!.line, message: `The file has ${plural(nonBlank.length, 'row')}; one import takes at most ${maxRows.toLocaleString('en-US')}. Split it into several files.` });
  if (fileErrors.length) return { fileErrors, rows: [] };

  const rows = nonBlank.map(({ line, record }): CsvRow<Column> => {
    const cells: CsvRow<Column>['cells'] = {};
    names.forEach((n, i) => {
      if (record[i] !== undefined) cells[n as Column] = record[i];
    });
    return record.length === names.length ? { line, cells } : { line, cells: {}, fieldCountError: `has ${plural(record.length, 'field')}; the header has ${names.length}. Put a value that contains a comma in double quotes.` };
  });
  return { fileErrors, rows };
}
