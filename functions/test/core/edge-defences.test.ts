import { CSRF_HEADER } from '@app/shared';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, body } from '../support/api-client.ts';
import { startTestRuntime, TEST_PASSWORD, type TestRuntime } from '../support/test-runtime.ts';

// Access control & CSRF (AC-4, AC-5), bad input (BI-1 subset), login throttling and enumeration (AS-5, AS-6).
describe('edge defences', () => {
  let t: TestRuntime;
  let owner: ApiClient;
  beforeAll(async () => {
    t = await startTestRuntime({ LOGIN_IP_FAILURES_PER_WINDOW: '1000' });
    owner = await t.setupOwner();
  });
  afterAll(() => t.close());

  const settingsBody = () => JSON.stringify({ creditAmber: '6', version: 0 });

  it.each([
    ['no CSRF header', { [CSRF_HEADER]: '' }],
    ['a foreign Origin', { origin: 'https://evil.example' }],
    ['no Origin at all', { origin: '' }],
    ['a cross-site fetch', { 'sec-fetch-site': 'cross-site' }],
  ])('refuses a state-changing request with %s (403) and changes nothing', async (_name, headers) => {
    const h: Record<string, string> = { 'content-type': 'application/json', cookie: owner.cookie!, origin: t.runtime.url, [CSRF_HEADER]: '1', ...headers };
    for (const [k, v] of Object.entries(h)) if (v === '') delete h[k];
    const res = await fetch(`${t.runtime.url}/api/settings`, { method: 'PUT', headers: h, body: settingsBody() });
    expect(res.status).toBe(403);
    expect((await owner.json<{ creditAmber: string }>(owner.get('/api/settings'))).creditAmber).toBe('5');
  });

  it.each(['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/plain'])('refuses a %s body (415) even with the CSRF header', async (type) => {
    const res = await owner.put('/api/settings', settingsBody(), { 'content-type': type });
    expect(res.status).toBe(415);
    expect((await body(res)).error.message).toMatch(/JSON/);
  });

  it('sends strict security headers on every API response, errors included', async () => {
    for (const res of [await owner.get('/api/settings'), await t.anonymous().get('/api/nope'), await t.anonymous().get('/api/health')]) {
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=31536000; includeSubDomains/);
      expect(res.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it("serves the SPA with a CSP that allows no inline script but the page's own hashed bootstrap (no 'unsafe-inline', issue 15)", async () => {
    // A build as SvelteKit writes it: one inline bootstrap, its hash in the page's <meta> CSP.
    const dir = mkdtempSync(join(tmpdir(), 'pm-spa-'));
    const bootstrap = 'window.__boot = 1;';
    const hash = `'sha256-${createHash('sha256').update(bootstrap).digest('base64')}'`;
    writeFileSync(join(dir, 'index.html'), `<!doctype html><meta http-equiv="content-security-policy" content="default-src 'self'; script-src 'self' ${hash}"><script>${bootstrap}</script>`);
    const spa = await startTestRuntime({ WEB_BUILD_DIR: dir });
    try {
      for (const path of ['/', '/users', '/c/']) {
        const res = await fetch(`${spa.runtime.url}${path}`);
        expect(res.status).toBe(200);
        const csp = res.headers.get('content-security-policy')!;
        expect(csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src'))).toBe(`script-src 'self' ${hash}`);
        expect(csp).toContain("frame-ancestors 'none'");
        expect(csp).toContain("object-src 'none'");
      }
    } finally {
      await spa.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['malformed JSON', '{"creditAmber": ', 400, /not valid JSON/],
    ['a wrong type', JSON.stringify({ creditAmber: 6, version: 0 }), 400, /creditAmber/],
    ['a missing field', JSON.stringify({ creditAmber: '6' }), 400, /version is required/],
    ['an unknown field', JSON.stringify({ creditAmber: '6', version: 0, isAdmin: true }), 400, /unknown field\(s\): isAdmin/],
    ['an overlong string', JSON.stringify({ creditAmber: '9'.repeat(5000), version: 0 }), 400, /creditAmber/],
    ['an oversize body', JSON.stringify({ creditAmber: '6', version: 0, pad: 'x'.repeat(70_000) }), 413, /too large/],
    ['a JSON array', '[1,2]', 400, /not valid/],
  ])('answers %s with a clear 4xx, never a 500, and writes nothing', async (_n, payload, status, message) => {
    const res = await owner.put('/api/settings', payload);
    expect(res.status).toBe(status);
    const json = await body(res);
    expect(json.error.message).toMatch(message);
    expect((await owner.json<{ version: number }>(owner.get('/api/settings'))).version).toBe(0);
  });

  it('names each bad field in plain words', async () => {
    const res = await owner.post('/api/admins', { email: 'not-an-email', name: '', password: 'short' });
    expect(res.status).toBe(400);
    const { error } = await body(res);
    expect(error.fields).toEqual(
      expect.arrayContaining([
        { path: 'email', message: 'is not a valid email address' },
        { path: 'name', message: 'is required' },
        { path: 'password', message: 'must be at least 15 characters' },
      ]),
    );
  });

  it('throttles wrong passwords with the same answer for a real and a made-up account', async () => {
    const attempt = (email: string) => new ApiClient(t.runtime.url).post('/api/auth/login', { email, password: 'wrong password here!' });
    const answers = async (email: string) => {
      const out: string[] = [];
      for (let i = 0; i < 10; i++) {
        const res = await attempt(email);
        out.push(`${res.status} ${(await body(res)).error.message}`);
      }
      return out;
    };
    const real = await answers('owner@example.com');
    const fake = await answers('nobody@example.com');
    expect(real).toEqual(fake);
    expect(real.slice(0, 5).every((a) => a === '401 Email or password is wrong.')).toBe(true);
    expect(real.slice(5).every((a) => a.startsWith('429 Too many sign-in attempts'))).toBe(true);
    // While the backoff runs even the right password is refused, with the same message.
    const right = await new ApiClient(t.runtime.url).post('/api/auth/login', { email: 'owner@example.com', password: TEST_PASSWORD });
    expect(right.status).toBe(429);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('throttles one IP that sweeps many accounts, whatever X-Forwarded-For says', async () => {
    const t2 = await startTestRuntime({ LOGIN_IP_FAILURES_PER_WINDOW: '20' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 25; i++) {
        const res = await new ApiClient(t2.runtime.url).post('/api/auth/login', { email: `user${i}@example.com`, password: 'wrong password here!' }, { 'x-forwarded-for': `203.0.113.${i}` });
        statuses.push(res.status);
      }
      expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
      expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
    } finally {
      await t2.close();
    }
  });
});
