import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { neutraliseFormulas, toCsv } from './csv-file.ts';

// Issue 15 (low): CSV exports quote every field and neutralise a formula wherever a spreadsheet would start a cell.
describe('toCsv', () => {
  it('quotes every field (empty ones too), doubles quotes, ends lines with CRLF', async () => {
    const csv = await toCsv(['a', 'b', 'c'], [['plain', 'with "quotes", and comma', ''], [42, null, 'line\nbreak']]);
    expect(csv).toBe('"a","b","c"\r\n"plain","with ""quotes"", and comma",""\r\n"42","","line\nbreak"\r\n');
  });

  it('neutralises a formula at the start of a cell and after ; , tab or a line break, even after spaces', async () => {
    const csv = await toCsv(['v'], [['x;=2+2;'], ['=HYPERLINK("http://evil")'], ['a,+1'], ['b\t-1'], ['c\n@SUM(A1)'], ['d; =1'], ['\uFF1D1+1'], ['-5'], [-5], ['user@example.com'], ['2026-01-02']]);
    const cells = parse(csv, { from_line: 2 }).map((r: string[]) => r[0]);
    expect(cells).toEqual(["x;'=2+2;", '\'=HYPERLINK("http://evil")', "a,'+1", "b\t'-1", "c\n'@SUM(A1)", "d;' =1", "'\uFF1D1+1", "'-5", '-5', 'user@example.com', '2026-01-02']);
  });

  it('opened as a semicolon-separated file, no cell of a guarded field starts a formula', async () => {
    const csv = await toCsv(['target'], [['x;=2+2;'], ['a;;@b;-c']]);
    // What Excel in a ';' locale sees: the quotes still group each field, but split it on ';' as well to be sure.
    for (const line of csv.trim().split('\r\n')) {
      for (const cell of line.replace(/^"|"$/g, '').split(';')) expect(cell.trimStart(), cell).not.toMatch(/^[=+\-@]/);
    }
  });

  it('writes a verbatim column exactly (a password), still guarding every other column', async () => {
    const csv = await toCsv(['address', 'password', 'note'], [['a@x.example', '-Start=with+dash', '=cmd()']], { verbatim: ['password'] });
    expect(parse(csv, { from_line: 2 })).toEqual([['a@x.example', '-Start=with+dash', "'=cmd()"]]);
  });

  it('leaves text without a formula start unchanged', () => {
    for (const s of ['hello', 'a-b', 'a=b', 'x@y', '']) expect(neutraliseFormulas(s)).toBe(s);
  });
});
