import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { afterAll, describe, expect, it } from 'vitest';
import type { App } from '../http/app.ts';
import { withSpa } from './serve-spa.ts';

const dir = mkdtempSync(join(tmpdir(), 'pm-spa-'));
const script = `export const answer = ${JSON.stringify('x'.repeat(4000))};\n`;
mkdirSync(join(dir, '_app/immutable/chunks'), { recursive: true });
writeFileSync(join(dir, '_app/immutable/chunks/a.js'), script);
writeFileSync(join(dir, 'index.html'), `<!doctype html><html><head><title>t</title></head><body>${'<p>hello</p>'.repeat(200)}</body></html>`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const api = new Hono().get('/api/big', (c) => c.json({ data: 'y'.repeat(5000) })) as unknown as App;
const app = withSpa(api, dir);

describe('the local SPA server', () => {
  it('sends scripts and pages gzipped when the browser accepts it, as CloudFront does', async () => {
    const js = await app.request('/_app/immutable/chunks/a.js', { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(js.headers.get('content-encoding')).toBe('gzip');
    expect(js.headers.get('cache-control')).toContain('immutable');
    const body = Buffer.from(await js.arrayBuffer());
    expect(body.length).toBeLessThan(script.length / 4);
    expect(gunzipSync(body).toString()).toBe(script);

    const page = await app.request('/users', { headers: { 'accept-encoding': 'gzip' } });
    expect(page.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await page.arrayBuffer())).toString()).toContain('<p>hello</p>');
  });

  it('sends them as they are to a client that does not accept gzip', async () => {
    const js = await app.request('/_app/immutable/chunks/a.js');
    expect(js.headers.get('content-encoding')).toBeNull();
    expect(await js.text()).toBe(script);
  });

  it('leaves API answers alone (CloudFront does not compress the uncached /api/* behaviour)', async () => {
    const res = await app.request('/api/big', { headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(((await res.json()) as { data: string }).data).toHaveLength(5000);
  });
});
