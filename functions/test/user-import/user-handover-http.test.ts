import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditPage, HandoverLinks, PublicHandover, UserImportResult } from '@app/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../support/api-client.ts';
import { FakeClock, startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

const HEADER = 'address,display_note,password,require_2fa,recovery_email';
const TYPED = 'Umber-Kettle-Vapor-4417';
const HOUR = 3_600_000;

/**
 * One-time hand-over links of imported users over HTTP (issue 18): made from the import's answer, each shows its
 * user's password once on the public route, then says "already opened"; an expired one says so; nothing keeps the
 * password or the token in clear, and neither reaches a log, the audit log or a URL's path or query.
 */
describe('one-time hand-over links for imported users (HTTP)', () => {
  let t: TestRuntime;
  let owner: ApiClient;
  const clock = new FakeClock(Date.now());
  const answers: string[] = [];

  const call = async <T>(res: Promise<Response>, status: number): Promise<T> => {
    const r = await res;
    const text = await r.text();
    answers.push(text);
    if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${text}`);
    return JSON.parse(text) as T;
  };
  const audit = async (action: string) => (await owner.json<AuditPage>(owner.get(`/api/audit?limit=200&action=${action}`))).entries;
  const tokenOf = (url: string) => new URL(url).hash.replace('#t=', '');
  const open = (token: string, client = t.anonymous()) => client.post('/api/public/handover/open', { token });

  beforeAll(async () => {
    t = await startTestRuntime({ USER_HANDOVER_LINK_HOURS: '48', USER_HANDOVER_OPENS_PER_IP_PER_15_MIN: '12' }, clock);
    owner = await t.setupOwner();
    await owner.json(owner.get('/api/users'));
  }, 60_000);
  afterAll(() => t?.close());

  it('imports, makes one link per user, shows each password once, then "already opened"; nothing in clear is kept', async () => {
    const csv = [HEADER, `sana@northwind.example,,${TYPED},,`, 'tomas@northwind.example,,,,'].join('\r\n');
    const imported = await call<UserImportResult>(owner.post('/api/users/import', { csv, policy: 'all-or-nothing' }), 201);
    const generated = imported.credentials.find((c) => c.address === 'tomas@northwind.example')!.password;
    const res = await owner.post('/api/users/import/handover-links', { credentials: imported.credentials.map(({ address, password }) => ({ address, password })) });
    expect(res.headers.get('cache-control')).toBe('no-store');
    const made = await call<HandoverLinks>(Promise.resolve(res), 201);
    expect(made.validHours).toBe(48);
    expect(Date.parse(made.expiresAt) - clock.now().getTime()).toBe(48 * HOUR);
    expect(made.links.map((l) => l.address)).toEqual(['sana@northwind.example', 'tomas@northwind.example']);
    for (const l of made.links) {
      // The token is in the fragment only: no path or query carries it.
      const url = new URL(l.url);
      expect(url.pathname).toBe('/h/');
      expect(url.search).toBe('');
      expect(tokenOf(l.url)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }
    expect(new Set(made.links.map((l) => tokenOf(l.url))).size).toBe(2);

    // Nothing in the table holds a password or a token in clear (only the token's SHA-256, the password sealed).
    const { Items } = await t.runtime.table.doc.send(new ScanCommand({ TableName: t.runtime.table.name }));
    const stored = JSON.stringify(Items);
    for (const secret of [TYPED, generated, ...made.links.map((l) => tokenOf(l.url))]) expect(stored).not.toContain(secret);
    expect(Items!.filter((i) => String(i.pk).startsWith('HANDOVER#'))).toHaveLength(2);

    // The user opens their link: the address and password, once.
    const sana = tokenOf(made.links[0]!.url);
    const opened = await open(sana);
    expect(opened.headers.get('cache-control')).toBe('no-store');
    expect(opened.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await call<PublicHandover>(Promise.resolve(opened), 200)).toMatchObject({ address: 'sana@northwind.example', password: TYPED });
    // A second open says it was already opened, and shows nothing.
    const again = await open(sana);
    expect(again.status).toBe(410);
    const againText = await again.text();
    expect(againText).toContain('already opened');
    expect(againText).not.toContain(TYPED);
    // Once opened, the sealed password is gone from the table too.
    const after = (await t.runtime.table.doc.send(new ScanCommand({ TableName: t.runtime.table.name }))).Items!.filter((i) => String(i.pk).startsWith('HANDOVER#'));
    expect(after.filter((i) => i.sealedPassword).map((i) => i.address)).toEqual(['tomas@northwind.example']);

    // A link that never existed, or a mangled one: 404 / 400, nothing shown.
    expect((await open('A'.repeat(43))).status).toBe(404);
    expect((await open('not a token')).status).toBe(400);

    // The audit log: who made links for whom (no token, no password), and the open with its address.
    const createdEntries = await audit('user.handover.create');
    expect(createdEntries[0]).toMatchObject({ actor: 'owner@example.com', result: 'ok', details: expect.stringContaining('sana@northwind.example') });
    const opens = await audit('user.handover.open');
    expect(opens.map((e) => `${e.actor} ${e.target} ${e.result}`)).toEqual(['hand-over link sana@northwind.example ok']);
    const everything = JSON.stringify([createdEntries, opens, await audit('user'), t.logs]);
    for (const secret of [TYPED, generated, ...made.links.map((l) => tokenOf(l.url))]) expect(everything).not.toContain(secret);
    // The answers besides the import's and the open's never repeat a password.
    expect(answers.filter((a) => a.includes(TYPED))).toHaveLength(2);
  });

  it('two opens of one link at once: exactly one shows the password', async () => {
    const imported = await call<UserImportResult>(owner.post('/api/users/import', { csv: [HEADER, 'uma@northwind.example,,,,'].join('\r\n') }), 201);
    const made = await call<HandoverLinks>(owner.post('/api/users/import/handover-links', { credentials: imported.credentials.map(({ address, password }) => ({ address, password })) }), 201);
    const token = tokenOf(made.links[0]!.url);
    const results = await Promise.all([open(token), open(token), open(token)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 410, 410]);
    const bodies = await Promise.all(results.map((r) => r.text()));
    expect(bodies.filter((b) => b.includes(imported.credentials[0]!.password))).toHaveLength(1);
  });

  it('an expired link says it expired and shows nothing', async () => {
    const imported = await call<UserImportResult>(owner.post('/api/users/import', { csv: [HEADER, 'vera2@northwind.example,,,,'].join('\r\n') }), 201);
    const made = await call<HandoverLinks>(owner.post('/api/users/import/handover-links', { credentials: imported.credentials.map(({ address, password }) => ({ address, password })) }), 201);
    clock.advance(48 * HOUR + 1_000);
    const res = await open(tokenOf(made.links[0]!.url));
    expect(res.status).toBe(410);
    const text = await res.text();
    expect(text).toContain('expired');
    expect(text).not.toContain(imported.credentials[0]!.password);
    // The admin's session expired with the clock: sign in again for the next cases.
    owner = t.anonymous();
    await owner.json(owner.post('/api/auth/login', { email: 'owner@example.com', password: 'correct horse battery staple 42' }));
  });

  it('refuses links for addresses that are not users, bad bodies, and a signed-out caller; nothing is made', async () => {
    const count = async () => (await t.runtime.table.doc.send(new ScanCommand({ TableName: t.runtime.table.name }))).Items!.filter((i) => String(i.pk).startsWith('HANDOVER#')).length;
    const before = await count();
    const stranger = await owner.post('/api/users/import/handover-links', { credentials: [{ address: 'nobody@northwind.example', password: 'x-y-z-1234567' }] });
    expect(stranger.status).toBe(400);
    expect(await stranger.text()).toContain('nobody@northwind.example is not a user');
    for (const body of [{ credentials: [] }, { credentials: [{ address: 'alice@northwind.example' }] }, { credentials: [{ address: 'alice@northwind.example', password: 'p', extra: 1 }] }, {}]) {
      expect((await owner.post('/api/users/import/handover-links', body)).status, JSON.stringify(body)).toBe(400);
    }
    expect((await t.anonymous().post('/api/users/import/handover-links', { credentials: [{ address: 'alice@northwind.example', password: 'p' }] })).status).toBe(401);
    expect(await count()).toBe(before);
  });

  it('limits opens per IP: every attempt counts, then 429 (counted, not each written to the audit log)', async () => {
    clock.advance(20 * 60_000); // a fresh 15-minute window
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) statuses.push((await open(`${'B'.repeat(42)}${i % 10}`)).status);
    expect(statuses.slice(0, 12)).toEqual(Array(12).fill(404));
    expect(statuses.slice(12)).toEqual([429, 429]);
    const counts = await owner.json<{ days: { counts: { action: string; outcome: string; count: number }[] }[] }>(owner.get('/api/audit/public-requests'));
    const refused = counts.days.flatMap((d) => d.counts).filter((c) => c.action === 'user.handover.open');
    expect(refused.map((c) => c.outcome)).toEqual(expect.arrayContaining(['refused 404', 'refused 429']));
  });
});
