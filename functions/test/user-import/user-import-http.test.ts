import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditPage, UserImportPreview, UserImportResult } from '@app/shared';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/local/purelymail-sandbox/sandbox-server.ts';
import type { ApiClient } from '../support/api-client.ts';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

const HEADER = 'address,display_note,password,require_2fa,recovery_email';
const TYPED = 'Umber-Kettle-Vapor-4417';
const ops = (sandbox: Sandbox) => sandbox.requests().map((r) => r.op);

// Issue 18 "Bulk users from CSV" over HTTP against the PurelyMail sandbox.
describe('bulk users from CSV over HTTP', () => {
  let t: TestRuntime;
  let owner: ApiClient;
  let sandbox: Sandbox;
  const answers: string[] = [];

  const call = async <T>(res: Promise<Response>, status: number): Promise<T> => {
    const r = await res;
    const text = await r.text();
    answers.push(text);
    if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${text}`);
    return JSON.parse(text) as T;
  };
  const users = async () => (await owner.json<{ users: string[] }>(owner.get('/api/users'))).users;
  const audit = async (action: string) => (await owner.json<AuditPage>(owner.get(`/api/audit?limit=200&action=${action}`))).entries;

  beforeAll(async () => {
    t = await startTestRuntime();
    owner = await t.setupOwner();
    sandbox = t.runtime.sandbox!;
    await users(); // the cache, as the users page would fill it
  }, 60_000);
  afterAll(() => t?.close());
  beforeEach(() => {
    sandbox.clearRequests();
    sandbox.clearFaults();
  });

  it('serves the template and previews per line with the same rules as a single new user', async () => {
    const template = await owner.get('/api/users/import/template.csv');
    expect(template.headers.get('content-disposition')).toContain('users-import-template.csv');
    expect((await template.text()).split('\r\n')[0]).toBe(HEADER);
    const csv = [
      HEADER, // 1
      `nina@northwind.example,Nina (sales),${TYPED},yes,nina.home@example.net`, // 2
      'alice@northwind.example,,,,', // 3: exists
      'not-an-address,,,,', // 4
      'omar@nowhere.example,,,,', // 5: not the account's domain
      'o.reilly@northwind.example,,,,', // 6: symbols with symbolic subaddressing on
      'pia@bluefern.example,,password1234,,', // 7: weak (the meter's verdict)
      'NINA@northwind.example,,,,', // 8: duplicate of line 2
      'quinn@bluefern.example,,,maybe,not-mail', // 9: bad 2FA value and recovery email
      '"rui@bluefern.example","Rui, ops",,no,', // 10: fine, generated password
    ].join('\r\n');
    const preview = await call<UserImportPreview>(owner.post('/api/users/import/preview', { csv }), 200);
    expect(preview).toMatchObject({ ok: false, totalRows: 9, invalidRows: 7, existingCheck: 'complete' });
    const byLine = Object.fromEntries(preview.rows.map((r) => [r.line, r.errors]));
    expect(byLine[2]).toEqual([]);
    expect(byLine[3]).toEqual(['alice@northwind.example already exists.']);
    expect(byLine[4]).toEqual(['address is not a valid email address like alice@example.com.']);
    expect(byLine[5]).toEqual(['nowhere.example is not a domain on this PurelyMail account. Add it on the Domains page first.']);
    expect(byLine[6]![0]).toMatch(/^User names on northwind\.example cannot contain \. \+ or -/);
    expect(byLine[7]![0]).toMatch(/^password is too easy to guess: it is one of the 3,000 most common passwords/);
    expect(byLine[8]).toEqual(['Duplicate: nina@northwind.example is already on line 2.']);
    expect(byLine[9]).toEqual(['require_2fa must be yes or no (or empty for no).', 'recovery_email is not a valid email address.']);
    expect(byLine[10]).toEqual([]);
    expect(preview.rows[0]).toMatchObject({ address: 'nina@northwind.example', note: 'Nina (sales)', password: 'given', require2fa: true, recoveryEmail: 'nina.home@example.net' });
    expect(preview.rows.at(-1)).toMatchObject({ address: 'rui@bluefern.example', note: 'Rui, ops', password: 'generated', require2fa: false });
    expect(JSON.stringify(preview)).not.toContain(TYPED);
    expect(JSON.stringify(preview)).not.toContain('password1234');
    // Previews create nothing at PurelyMail.
    expect(ops(sandbox).filter((o) => o !== 'listDomains')).toEqual([]);
    // A file problem is reported as such; a viewer-less anonymous caller is refused.
    expect((await call<UserImportPreview>(owner.post('/api/users/import/preview', { csv: 'email,name\nx,y' }), 200)).fileErrors[0]!.message).toMatch(/Line 1 must be the header: address/);
    expect((await t.anonymous().post('/api/users/import/preview', { csv })).status).toBe(401);
  });

  it('is all or nothing by default, and valid-only creates exactly the valid rows with one audit entry each', async () => {
    const before = await users();
    const csv = [HEADER, `sara@northwind.example,Sara,${TYPED},yes,sara.home@example.net`, 'bad address,,,,', 'tomas@bluefern.example,"Tomas, IT",,,'].join('\n');
    const refused = await call<{ error: { message: string; fields: { path: string; message: string }[] } }>(owner.post('/api/users/import', { csv }), 400);
    expect(refused.error.message).toBe('1 of 3 rows has errors; nothing was created. Fix the file and preview it again, or choose "Only the valid rows".');
    expect(refused.error.fields).toEqual([{ path: 'line 3', message: 'address is not a valid email address like alice@example.com.' }]);
    expect(ops(sandbox).filter((o) => o === 'createUser')).toEqual([]);
    expect(await users()).toEqual(before);

    const out = await call<UserImportResult>(owner.post('/api/users/import', { csv, policy: 'valid-only' }), 201);
    expect(out.created).toEqual([{ line: 2, address: 'sara@northwind.example' }, { line: 4, address: 'tomas@bluefern.example' }]);
    expect(out.skipped).toEqual([{ line: 3, errors: ['address is not a valid email address like alice@example.com.'] }]);
    expect(out).toMatchObject({ failed: [], notAttempted: [], totalRows: 3 });
    // The hand-over: exactly the created users; the typed password as typed, a strong one generated otherwise.
    expect(out.credentials.map((c) => [c.address, c.note])).toEqual([['sara@northwind.example', 'Sara'], ['tomas@bluefern.example', 'Tomas, IT']]);
    expect(out.credentials[0]!.password).toBe(TYPED);
    const generated = out.credentials[1]!.password;
    expect(generated).toMatch(/^[A-Za-z2-9]{20}$/);
    expect(sandbox.verifyPassword('tomas@bluefern.example', generated)).toBe(true);
    expect(sandbox.verifyPassword('sara@northwind.example', TYPED)).toBe(true);
    // PurelyMail got createUser per user, and modifyUser only where 2FA was asked for.
    const calls = sandbox.requests().filter((r) => r.op === 'createUser' || r.op === 'modifyUser').map((r) => [r.op, (r.body as { userName: string }).userName]);
    expect(calls).toEqual([['createUser', 'sara'], ['modifyUser', 'sara@northwind.example'], ['createUser', 'tomas']]);
    expect(sandbox.state.users['sara@northwind.example']).toMatchObject({ requireTwoFactorAuthentication: true });
    expect(await users()).toEqual(expect.arrayContaining(['sara@northwind.example', 'tomas@bluefern.example']));

    const perUser = (await audit('user.create')).filter((e) => e.details?.includes('CSV import'));
    expect(perUser.map((e) => [e.target, e.result]).sort()).toEqual([['sara@northwind.example', 'ok'], ['tomas@bluefern.example', 'ok']]);
    expect(perUser.find((e) => e.target === 'sara@northwind.example')!.details).toBe('CSV import (user.import) line 2, password from the file, 2FA required, recovery email set, note: Sara');
    const [summary] = await audit('user.import');
    expect(summary).toMatchObject({ result: 'ok', details: 'valid-only: 2 created, 1 invalid skipped (lines 3)' });
  });

  it('reports a PurelyMail failure mid-import per row, and the hand-over holds exactly the users created', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => `bulk${i + 1}@oakridge.example,,,,`);
    const csv = [HEADER, ...rows].join('\n');
    // The 37th createUser of this import is refused by PurelyMail.
    sandbox.injectFault({ op: 'createUser', after: 36, body: JSON.stringify({ type: 'error', code: 'internalError', message: 'Something went wrong' }), status: 200 });
    const out = await call<UserImportResult>(owner.post('/api/users/import', { csv }), 200);
    expect(out.created.map((c) => c.line)).toEqual(Array.from({ length: 36 }, (_, i) => i + 2));
    expect(out.failed).toEqual([{ line: 38, address: 'bulk37@oakridge.example', reason: 'PurelyMail refused: Something went wrong' }]);
    // All-or-nothing stops at the refusal: the last three lines were not tried.
    expect(out.notAttempted).toEqual([39, 40, 41].map((line) => ({ line, address: `bulk${line - 1}@oakridge.example` })));
    expect(out.credentials.map((c) => c.address)).toEqual(out.created.map((c) => c.address));
    expect(Object.keys(sandbox.state.users).filter((a) => a.startsWith('bulk')).sort()).toEqual(out.created.map((c) => c.address).sort());
    expect(ops(sandbox).filter((o) => o === 'createUser')).toHaveLength(37);
    const failedEntry = (await audit('user.create')).find((e) => e.target === 'bulk37@oakridge.example')!;
    expect(failedEntry).toMatchObject({ result: 'failed', reason: 'PurelyMail refused: Something went wrong' });

    // Valid-only goes on past a refusal: the rest are created once the fault is gone, the 36 now "already exist".
    sandbox.injectFault({ op: 'createUser', body: JSON.stringify({ type: 'error', code: 'internalError', message: 'Something went wrong' }), status: 200 });
    const rest = await call<UserImportResult>(owner.post('/api/users/import', { csv, policy: 'valid-only' }), 200);
    expect(rest.skipped.map((s) => s.line)).toEqual(Array.from({ length: 36 }, (_, i) => i + 2));
    expect(rest.failed.map((f) => f.line)).toEqual([38]);
    expect(rest.created.map((c) => c.line)).toEqual([39, 40, 41]);
    expect(rest.notAttempted).toEqual([]);
    expect(rest.credentials.map((c) => c.address)).toEqual(['bulk38@oakridge.example', 'bulk39@oakridge.example', 'bulk40@oakridge.example']);
  });

  it('hands credentials over once: no later answer, audit entry, log or stored item holds them', async () => {
    const csv = [HEADER, 'vera.k@bluefern.example,Vera,,,', `walt@bluefern.example,,${TYPED},,`].join('\n');
    const out = await call<UserImportResult>(owner.post('/api/users/import', { csv }), 201);
    const secrets = out.credentials.map((c) => c.password);
    expect(secrets).toHaveLength(2);
    // The same file again: both exist now, so nothing is created and no password comes back.
    const again = await owner.post('/api/users/import', { csv, policy: 'valid-only' });
    expect(again.status).toBe(400);
    const againText = await again.text();
    expect(againText).toContain('vera.k@bluefern.example already exists.');
    answers.length = 0;
    await call(owner.get('/api/users/vera.k%40bluefern.example'), 200);
    await call(owner.get('/api/audit?limit=200'), 200);
    const exported = await owner.get('/api/audit/export.csv');
    const table = t.runtime.migrations.table;
    const items: unknown[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await table.doc.send(new ScanCommand({ TableName: table.name, ExclusiveStartKey: start }));
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    const everywhere = [againText, ...answers, await exported.text(), JSON.stringify(items), t.logs.join("\n")].join('\n');
    for (const s of secrets) expect(everywhere).not.toContain(s);
  });
  it('an import sent in parts (lines): each part creates only its rows, with the file\'s line numbers; all-or-nothing refuses a part when a later row became invalid', async () => {
    const rows = Array.from({ length: 60 }, (_, i) => `part${i}@oakridge.example,Part ${i},,,`);
    const csv = [HEADER, ...rows].join('\n');
    const first = await call<UserImportResult>(owner.post('/api/users/import', { csv, policy: 'all-or-nothing', lines: { from: 2, to: 26 } }), 201);
    expect(first.created.map((c) => c.line)).toEqual(Array.from({ length: 25 }, (_, i) => i + 2));
    expect(first.credentials.map((c) => c.address)).toEqual(Array.from({ length: 25 }, (_, i) => `part${i}@oakridge.example`));
    expect(sandbox.requests().filter((r) => r.op === 'createUser')).toHaveLength(25);
    // The next part: the first part's users exist now, which does not stop it (they are not in it).
    const second = await call<UserImportResult>(owner.post('/api/users/import', { csv, policy: 'all-or-nothing', lines: { from: 27, to: 51 } }), 201);
    expect(second.created.map((c) => c.address)).toEqual(Array.from({ length: 25 }, (_, i) => `part${i + 25}@oakridge.example`));
    // Meanwhile someone created a user of the last part: all-or-nothing refuses the last part, creating nothing.
    await call(owner.post('/api/users', { localPart: 'part59', domain: 'oakridge.example', password: 'Quartz-Meadow-Lantern-42' }), 201);
    sandbox.clearRequests();
    const refused = await owner.post('/api/users/import', { csv, policy: 'all-or-nothing', lines: { from: 52, to: 61 } });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('part59@oakridge.example already exists.');
    expect(sandbox.requests().filter((r) => r.op === 'createUser')).toEqual([]);
    // valid-only goes on with the part's valid rows and names the skipped line.
    const last = await call<UserImportResult>(owner.post('/api/users/import', { csv, policy: 'valid-only', lines: { from: 52, to: 61 } }), 201);
    expect(last.created.map((c) => c.line)).toEqual([52, 53, 54, 55, 56, 57, 58, 59, 60]);
    expect(last.skipped).toEqual([{ line: 61, errors: ['part59@oakridge.example already exists.'] }]);
    // A part with no row, or a backwards range: a clear 400.
    expect((await owner.post('/api/users/import', { csv, policy: 'valid-only', lines: { from: 90, to: 95 } })).status).toBe(400);
    const backwards = await owner.post('/api/users/import', { csv, lines: { from: 10, to: 5 } });
    expect(backwards.status).toBe(400);
    expect(await backwards.text()).toContain('must end on or after');
  });
});
