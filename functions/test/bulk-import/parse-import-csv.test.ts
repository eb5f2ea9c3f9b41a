import type { ServerProfile } from '@app/shared';
import { describe, expect, it } from 'vitest';
import { parseImportCsv } from '../../src/modules/bulk-import/parse-import-csv.ts';
import { validateImport } from '../../src/modules/bulk-import/validate-import.ts';

const server = (id: string, name: string): ServerProfile => ({ id, name, host: 'h', port: 993, tls: 'ssl', verifyCert: true, notes: '', createdAt: '', updatedAt: '', version: 1 });
const SERVERS = [server('srv_old', 'Old host'), server('srv_pm', 'PurelyMail'), server('srv_other', 'Other IMAP')];
const DEFAULTS = { sourceServerId: 'srv_old', destServerId: 'srv_pm' };
const HEADER = 'source_email,source_password,dest_email,dest_password';
const check = async (csv: string) => validateImport(await parseImportCsv(csv), SERVERS, DEFAULTS);
const errorsByLine = async (csv: string) => Object.fromEntries((await check(csv)).preview.rows.filter((r) => r.errors.length).map((r) => [r.line, r.errors]));

describe('import CSV parsing and validation', () => {
  it('reads quoted fields, commas and quotes in passwords, a BOM, CRLF and blank lines, keeping file line numbers', async () => {
    // Prepare
    const csv = `\uFEFF${HEADER}\r\n\r\nann@old.example,"pa,ss""word",ann@new.example,plain\r\n   \r\n"bob@old.example",'single',bob@new.example,"x""y,z"\r\n\r\n`;
    // Act
    const { preview, valid } = (await check(csv));
    const rows = valid.map((v) => v.input);
    // Assess
    expect(preview.ok).toBe(true);
    expect(preview.rows.map((r) => r.line)).toEqual([3, 5]);
    expect(rows.map((r) => [r.source.password, r.dest.password])).toEqual([
      ['pa,ss"word', 'plain'],
      ["'single'", 'x"y,z'],
    ]);
    expect(rows[0]).toMatchObject({ source: { serverId: 'srv_old', user: 'ann@old.example' }, dest: { serverId: 'srv_pm', user: 'ann@new.example' } });
    // Passwords never come back in a preview: only whether there is one.
    expect(JSON.stringify(preview)).not.toMatch(/pa,ss|plain|single|x"y/);
    expect(preview.rows[0]).toMatchObject({ hasSourcePassword: true, hasDestPassword: true, sourceUser: 'ann@old.example' });
  });

  it('counts lines after a quoted field that spans lines, and takes LF-only files and unquoted quotes', async () => {
    const csv = `${HEADER}\n"a@old.example","line1\nline2",a@new.example,p\nb@old.example,pa"ss,b@new.example,p\nc@old.example,,c@new.example,p\n`;
    expect(await errorsByLine(csv)).toEqual({ 2: ['source_password contains a line break.'], 5: ['source_password is empty.'] });
    expect((await check(csv)).preview.rows.map((r) => r.line)).toEqual([2, 4, 5]);
  });

  it('accepts a plain IMAP login as the source (as single jobs do); the destination must be an address', async () => {
    const csv = [HEADER, 'bob,p1,bob@new.example,p2', 'j.doe,p1,j.doe@new.example,p2', 'carol@old.example,p1,carol,p2'].join('\r\n');
    const byLine = await errorsByLine(csv);
    expect(byLine).toEqual({ 4: ['dest_email is not an email address.'] });
    const { preview } = await check(csv);
    expect(preview.rows.map((r) => [r.sourceUser, r.destUser])).toEqual([['bob', 'bob@new.example'], ['j.doe', 'j.doe@new.example'], ['carol@old.example', '']]);
  });

  it('reports bad emails, empty cells, wrong field counts and duplicates on their exact lines', async () => {
    const csv = [
      HEADER, // 1
      'ann@old.example,p1,ann@new.example,p2', // 2
      'not an email,p1,ann2@new.example,p2', // 3
      'carl@old.example,p1,,p2', // 4
      'dora@old.example,p1,dora@new.example', // 5: three fields
      '', // 6
      'ANN@old.example,p3,ann3@new.example,p4', // 7: duplicate source of line 2
      'eve@old.example,p1,eve@new.example,"has, comma"', // 8: fine
    ].join('\r\n');
    const byLine = await errorsByLine(csv);
    expect(Object.keys(byLine).map(Number)).toEqual([3, 4, 5, 7]);
    expect(byLine[3]).toEqual(['source_email is not an email address or an IMAP login (like bob).']);
    expect(byLine[4]).toEqual(['dest_email is empty.']);
    expect(byLine[5]![0]).toMatch(/^This line has 3 fields; the header has 4/);
    expect(byLine[7]).toEqual(['Duplicate: the source mailbox ANN@old.example is already on line 2.']);
    const { preview, valid } = (await check(csv));
    expect(preview).toMatchObject({ ok: false, totalRows: 6, invalidRows: 4 });
    // Only the valid lines can go on (valid-only); the policy decides whether they do.
    expect(valid.map((v) => v.line)).toEqual([2, 8]);
    // A value in the email column that is not an email (maybe a password in the wrong column) is not echoed.
    expect(preview.rows.find((r) => r.line === 3)!.sourceUser).toBe('');
  });

  it('resolves server overrides by name and reports unknown ones', async () => {
    const csv = `${HEADER},source_server,dest_server\na@x.example,p,a@y.example,p,other imap,\nb@x.example,p,b@y.example,p,,Nowhere\n`;
    const { preview } = (await check(csv));
    expect(preview.rows[0]).toMatchObject({ line: 2, sourceServer: { id: 'srv_other', name: 'Other IMAP' }, destServer: { id: 'srv_pm' }, errors: [] });
    expect(preview.rows[1]).toMatchObject({ line: 3, errors: ['dest_server "Nowhere" is not a saved server.'] });
    expect(validateImport(await parseImportCsv(csv), SERVERS, { sourceServerId: 'srv_gone', destServerId: 'srv_pm' }).preview.fileErrors[0]!.message).toMatch(/source server/);
  });

  it('refuses a wrong header, missing or unknown columns, an empty file, garbage and too many rows', async () => {
    expect((await check('ann@old.example,p1,ann@new.example,p2\n')).preview.fileErrors).toEqual([{ line: 1, message: `Line 1 must be the header: ${HEADER} (optionally ,source_server,dest_server).` }]);
    expect((await check('\n\nsource_email,source_password,dest_email\n')).preview.fileErrors).toEqual([{ line: 3, message: 'The header lacks the column dest_password.' }]);
    expect((await check(`${HEADER},notes\n`)).preview.fileErrors[0]!.message).toBe('The header has 1 unknown column: notes. Allowed: source_email, source_password, dest_email, dest_password, source_server, dest_server.');
    expect((await check('')).preview.fileErrors[0]!.message).toMatch(/empty/);
    expect((await check(`${HEADER}\r\n\r\n`)).preview.fileErrors[0]!.message).toBe('The file has a header but no rows.');
    // Latin-1 bytes read as UTF-8 by the browser become U+FFFD.
    const garbage = `${HEADER}\na@x.example,p,a@y.example,p\nb@x.example,caf\uFFFD,b@y.example,p\n`;
    expect((await check(garbage)).preview.fileErrors).toEqual([{ line: 3, message: 'Line 3 is not UTF-8 text. Save the file as "CSV UTF-8" and try again.' }]);
    expect((await check(`${HEADER}\n"a@x.example,p,a@y.example,p\n`)).preview.fileErrors[0]).toEqual({ line: 2, message: 'Line 2: a quoted field is opened but never closed.' });
    const many = [HEADER, ...Array.from({ length: 1001 }, (_, i) => `u${i}@x.example,p,u${i}@y.example,p`)].join('\n');
    expect((await check(many)).preview.fileErrors).toEqual([{ line: 1002, message: 'The file has 1,001 rows; one import takes at most 1,000. Split it into several files.' }]);
    expect((await check(many)).preview.ok).toBe(false);
  });
});
