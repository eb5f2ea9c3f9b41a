import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds the SPA when there is no build or a source file (web/src, shared/src) is newer than it. */
export function buildWebIfNeeded(repoRoot: string, log: (msg: string) => void): void {
  const index = join(repoRoot, 'web/build/index.html');
  const sources = [join(repoRoot, 'web/src'), join(repoRoot, 'shared/src')].filter(existsSync);
  if (existsSync(index) && statSync(index).mtimeMs >= Math.max(...sources.map(newestMtime))) return;
  log('Building the web UI (first start or changed sources)…');
  const out = spawnSync('npm', ['run', '-w', 'web', 'build'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`Building the web UI failed:\n${out.stdout}\n${out.stderr}`);
}
