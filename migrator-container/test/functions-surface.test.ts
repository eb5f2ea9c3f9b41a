import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const files = (dir: string): string[] =>
  readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|mts)$/.test(e.name) && !e.name.endsWith('.d.ts'))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));
const specifiers = (file: string) => [...readFileSync(join(ROOT, file), 'utf8').matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1]!);

// The same rule as eslint.config.js, checked by the test run too: the worker depends on one surface of functions.
describe('migrator-container reaches functions through its one public surface', () => {
  it('src imports nothing of functions but @app/functions/worker', () => {
    const outside = files('src').flatMap((f) => specifiers(f).filter((s) => (s.startsWith('@app/functions') && s !== '@app/functions/worker') || /^\.\.?\/(.*\/)?functions\//.test(s)).map((s) => `${f}: ${s}`));
    expect(outside).toEqual([]);
    // …and it does use it (the rule would hold trivially otherwise).
    expect(files('src').filter((f) => specifiers(f).includes('@app/functions/worker')).length).toBeGreaterThan(2);
  });

  it('tests and benchmarks add only the test-support surface, @app/functions/testing', () => {
    const outside = [...files('test'), ...files('bin')].flatMap((f) =>
      specifiers(f)
        .filter((s) => (s.startsWith('@app/functions') && s !== '@app/functions/worker' && s !== '@app/functions/testing') || /^\.\.?\/(.*\/)?functions\//.test(s))
        .map((s) => `${f}: ${s}`),
    );
    expect(outside).toEqual([]);
  });

  it('the package itself exports only those two surfaces', () => {
    const pkg = JSON.parse(readFileSync(resolve(ROOT, '../functions/package.json'), 'utf8')) as { exports: Record<string, string> };
    expect(Object.keys(pkg.exports).sort()).toEqual(['./testing', './worker']);
  });
});
