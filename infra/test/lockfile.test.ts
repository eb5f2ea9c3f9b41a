import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { repoPaths } from '../lib/config/repo-paths.ts';

/**
 * `npm ci` with npm 10 (Node 20/22 LTS, and the migrator image's node:22-bookworm-slim) refuses a lockfile in which
 * a dependency edge the tree holds is not satisfied, even an optional peer's: vite's `yaml ^2.4.2` against a hoisted
 * yaml 1.x made it fail with "Missing: yaml@2.9.1 from lock file", while npm 11 let it pass. `npm ls --all` on the
 * lockfile alone reports exactly those edges as "invalid", offline and in a second; CI also runs npm 10.9 itself
 * in a scratch clone (.ci/run).
 */
describe('package-lock.json', () => {
  it('has every dependency edge satisfied, optional peers included (what npm 10 ci checks)', () => {
    const out = spawnSync('npm', ['ls', '--all', '--package-lock-only', '--json'], { cwd: repoPaths.root, encoding: 'utf8' });
    const problems = (JSON.parse(out.stdout) as { problems?: string[] }).problems ?? [];
    expect(problems).toEqual([]);
    expect(out.status).toBe(0);
  });

  it('pins every direct dependency of every workspace to an exact version (save-exact)', () => {
    const manifests = ['package.json', ...(JSON.parse(readFileSync(`${repoPaths.root}/package.json`, 'utf8')) as { workspaces: string[] }).workspaces.map((w) => `${w}/package.json`)];
    const loose = manifests.flatMap((file) => {
      const pkg = JSON.parse(readFileSync(`${repoPaths.root}/${file}`, 'utf8')) as Record<string, Record<string, string> | undefined>;
      return Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })
        .filter(([name, range]) => !name.startsWith('@app/') && !/^\d+\.\d+\.\d+$/.test(range))
        .map(([name, range]) => `${file}: ${name}@${range}`);
    });
    expect(loose).toEqual([]);
  });

  it('is the lockfile npm would write (no drift between the manifests and the lock)', () => {
    // --dry-run resolves from the lockfile and reports what it would change; nothing is installed.
    const out = execFileSync('npm', ['install', '--dry-run', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund', '--json'], { cwd: repoPaths.root, encoding: 'utf8' });
    const changes = JSON.parse(out) as { added?: number; removed?: number; changed?: number };
    expect({ added: changes.added ?? 0, removed: changes.removed ?? 0, changed: changes.changed ?? 0 }).toEqual({ added: 0, removed: 0, changed: 0 });
  });
});
