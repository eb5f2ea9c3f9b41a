import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, PUBLIC_ROUTES } from '../../src/http/app.ts';
import { AUDIT_ACTIONS } from '@app/shared';
import { AUDITED } from '../../src/http/middleware/audited.ts';
import type { ApiClient } from '../support/api-client.ts';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const VERBS = new Set(['GET', ...MUTATING]);

/** Every concrete route of the app (method + path), from Hono's own route list. */
function routesOf(app: ReturnType<typeof createApp>) {
  const seen = new Map<string, { method: string; path: string; audited: boolean }>();
  for (const r of app.routes) {
    if (!VERBS.has(r.method) || r.path.endsWith('*')) continue;
    const key = `${r.method} ${r.path}`;
    const entry = seen.get(key) ?? { method: r.method, path: r.path, audited: false };
    if ((r.handler as unknown as Record<symbol, unknown>)[AUDITED]) entry.audited = true;
    seen.set(key, entry);
  }
  return [...seen.values()];
}
const concrete = (path: string) => path.replace(/:(\w+)/g, (_m, name: string) => (name === 'id' ? 'a'.repeat(64) : 'x%40example.com'));

// AC-1 deny by default, AC-6 every mutation audited. The test fails whenever a route is added unclassified.
describe('route matrix', () => {
  let t: TestRuntime;
  let owner: ApiClient;
  beforeAll(async () => {
    t = await startTestRuntime();
    owner = await t.setupOwner();
  });
  afterAll(() => t.close());

  it('answers 401 without a session on every route except the public list', async () => {
    const routes = routesOf(createApp(t.runtime.deps));
    expect(routes.length).toBeGreaterThan(10);
    for (const r of routes) {
      const key = `${r.method} ${r.path}`;
      if ((PUBLIC_ROUTES as readonly string[]).includes(key)) continue;
      const res = await t.anonymous().request(r.method, concrete(r.path), MUTATING.has(r.method) ? {} : undefined);
      expect(res.status, key).toBe(401);
    }
  });

  it('has audit middleware on every mutating route', () => {
    const unaudited = routesOf(createApp(t.runtime.deps)).filter((r) => MUTATING.has(r.method) && !r.audited);
    expect(unaudited.map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });

  it('names every audited route’s action in AUDIT_ACTIONS (the audit page’s action picker)', () => {
    const actions = createApp(t.runtime.deps).routes.map((r) => (r.handler as unknown as Record<symbol, unknown>)[AUDITED]).filter((a): a is string => typeof a === 'string');
    expect(actions.length).toBeGreaterThan(40);
    expect([...new Set(actions)].filter((a) => !(a in AUDIT_ACTIONS))).toEqual([]);
  });

  it('says plainly when an audit search is too long', async () => {
    const res = await owner.get(`/api/audit?q=${'x'.repeat(201)}`);
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain('is too long (200 characters at most)');
  });

  it('writes exactly one audit entry per mutation, on success and on failure, without secrets', async () => {
    const before = (await owner.json<{ entries: unknown[] }>(owner.get('/api/audit?limit=200'))).entries.length;
    await owner.put('/api/settings', { creditAmber: '7', version: 0 });
    await owner.put('/api/settings', { creditAmber: '8', version: 0 }); // stale version → 409
    await owner.post('/api/admins', { email: 'pat@example.com', name: 'Pat', password: 'a very secret canary 123' });
    const { entries } = await owner.json<{ entries: { action: string; result: string; reason?: string; actor: string; target: string }[] }>(owner.get('/api/audit?limit=200'));
    expect(entries.length - before).toBe(3);
    const [created, stale, saved] = entries;
    expect(saved).toMatchObject({ action: 'settings.update', result: 'ok', actor: 'owner@example.com' });
    expect(stale).toMatchObject({ action: 'settings.update', result: 'failed' });
    expect(stale!.reason).toMatch(/changed the settings meanwhile/);
    expect(created).toMatchObject({ action: 'admin.create', result: 'ok', target: 'pat@example.com (admin)' });
    expect(JSON.stringify(entries)).not.toContain('canary');
    expect(t.logs.join('\n')).not.toContain('canary');
  });

  it('filters, pages through the index and exports CSV of the filtered view', async () => {
    for (let i = 0; i < 12; i++) await owner.put('/api/settings', { creditAmber: '9', version: 999 });
    const first = await owner.json<{ entries: { id: string; action: string }[]; nextCursor: string | null }>(owner.get('/api/audit?action=settings.update&limit=5'));
    expect(first.entries).toHaveLength(5);
    expect(first.entries.every((e) => e.action === 'settings.update')).toBe(true);
    const second = await owner.json<{ entries: { id: string }[]; nextCursor: string | null }>(
      owner.get(`/api/audit?action=settings.update&limit=5&cursor=${first.nextCursor}`),
    );
    expect(second.entries).toHaveLength(5);
    expect(new Set([...first.entries, ...second.entries].map((e) => e.id)).size).toBe(10);
    const byTarget = await owner.json<{ entries: { target: string }[] }>(owner.get('/api/audit?q=PAT@EXAMPLE'));
    expect(byTarget.entries.map((e) => e.target)).toEqual(['pat@example.com (admin)']);
    const future = await owner.json<{ entries: unknown[] }>(owner.get('/api/audit?from=2099-01-01'));
    expect(future.entries).toEqual([]);
    expect((await owner.get('/api/audit?cursor=garbage')).status).toBe(400);

    const csv = await owner.get('/api/audit/export.csv?q=pat');
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe('"at","actor","action","target","result","reason","ip","userAgent","details"');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('"admin.create"');
  });

  it('finds entries stored under old action names (before the naming scheme) by the current name, the old name and a prefix', async () => {
    const base = { actor: 'owner@example.com', result: 'ok' as const, ip: '127.0.0.1', userAgent: 'test' };
    await t.runtime.deps.audit.record({ ...base, action: 'domain.delete_requested', target: 'legacy-old.example' });
    await t.runtime.deps.audit.record({ ...base, action: 'dns-health.settings.update', target: 'legacy-dns-settings' });
    const targets = async (action: string) =>
      (await owner.json<{ entries: { action: string; target: string }[] }>(owner.get(`/api/audit?action=${encodeURIComponent(action)}&q=legacy&limit=50`))).entries.map((e) => e.target);
    expect(await targets('domain.delete.request')).toEqual(['legacy-old.example']);
    expect(await targets('domain.delete_requested')).toEqual(['legacy-old.example']);
    expect(await targets('domain')).toEqual(['legacy-old.example']);
    expect(await targets('dns_health.settings.update')).toEqual(['legacy-dns-settings']);
    expect(await targets('dns_health')).toEqual(['legacy-dns-settings']);
    expect(await targets('user.delete.request')).toEqual([]);
  });

  it('exports admin-typed text so no spreadsheet runs it: every field quoted, `x;=2+2;` not a formula in any locale', async () => {
    expect((await owner.post('/api/migrations/servers', { name: 'x;=2+2;', host: 'imap.example.com', port: 993, tls: 'ssl' })).status).toBe(201);
    const text = await (await owner.get('/api/audit/export.csv?action=migration.server.create')).text();
    const row = text.trim().split('\r\n')[1]!;
    expect(row).toContain(`"x;'=2+2; (imap.example.com:993)"`);
    // Split as Excel would in a ';' or ',' locale: no cell starts a formula.
    for (const cell of row.split(/[;,]/)) expect(cell.replace(/^"/, '').trimStart(), cell).not.toMatch(/^[=+\-@]/);
  });

  it('has no route that edits or deletes audit entries', () => {
    const auditRoutes = routesOf(createApp(t.runtime.deps)).filter((r) => r.path.startsWith('/api/audit'));
    expect(auditRoutes.every((r) => r.method === 'GET')).toBe(true);
  });
});
