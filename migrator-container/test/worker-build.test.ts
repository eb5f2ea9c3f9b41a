import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The worker as the container runs it (scripts/build.mjs): main.mjs and the chunks it imports. What only some runs
// need (the KMS client: AWS only) must sit in a chunk that main.mjs and the chunks it imports statically never load.
const root = join(import.meta.dirname, '..');
let out: string;
beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'worker-build-'));
  const r = spawnSync(process.execPath, ['scripts/build.mjs', out], { cwd: root, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
}, 60_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Every file main.mjs loads before it runs: itself and its static imports, transitively. */
function staticallyLoaded(): Set<string> {
  const seen = new Set<string>();
  const visit = (rel: string) => {
    if (seen.has(rel)) return;
    seen.add(rel);
    const code = readFileSync(join(out, rel), 'utf8');
    const dir = rel.includes('/') ? 'chunks/' : '';
    for (const m of code.matchAll(/(?:from|import)\s*"\.\/([^"]+)"/g)) visit(`${dir}${m[1]}`.replace('chunks/chunks/', 'chunks/'));
  };
  visit('main.mjs');
  return seen;
}

describe('the worker build', () => {
  it('writes main.mjs and chunks that all exist', () => {
    const loaded = staticallyLoaded();
    for (const f of loaded) expect(existsSync(join(out, f)), f).toBe(true);
    expect(readdirSync(join(out, 'chunks')).length).toBeGreaterThan(0);
  });

  it('loads the KMS client only on first use (a chunk outside the start-up graph)', () => {
    const loaded = [...staticallyLoaded()].map((f) => readFileSync(join(out, f), 'utf8'));
    const all = readdirSync(join(out, 'chunks')).map((f) => readFileSync(join(out, 'chunks', f), 'utf8'));
    expect(all.some((c) => c.includes('TrentService'))).toBe(true);
    expect(loaded.some((c) => c.includes('TrentService'))).toBe(false);
  });

  it('starts under node and reports a missing configuration plainly', () => {
    const r = spawnSync(process.execPath, [join(out, 'main.mjs')], { env: { PATH: process.env.PATH }, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout + r.stderr).toContain('RUN_ID: is required');
  });
});
