import { spawnSync } from 'node:child_process';
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { newestMtime } from './build-web-if-needed.ts';

/** The worker as the container runs it: one esbuild bundle (`npm run -w migrator-container build`). */
export const WORKER_BUNDLE = 'migrator-container/dist/main.mjs';

/**
 * Builds the worker bundle when there is none or a source it bundles (migrator-container/src, functions/src,
 * shared/src) is newer. The local runner starts `node dist/main.mjs` like the container does: ~0.1 s of start-up
 * instead of ~1 s compiling TypeScript with tsx for every run. The build goes to a temporary file that is then
 * renamed, so test runtimes starting in parallel never start a half-written bundle.
 */
export function buildWorkerIfNeeded(repoRoot: string, log: (msg: string) => void): void {
  const bundle = join(repoRoot, WORKER_BUNDLE);
  const sources = ['migrator-container/src', 'functions/src', 'shared/src'].map((d) => join(repoRoot, d)).filter(existsSync);
  if (existsSync(bundle) && statSync(bundle).mtimeMs >= Math.max(...sources.map(newestMtime))) return;
  log('Building the migration worker (first start or changed sources)…');
  const tmp = `dist/.main-${process.pid}-${Date.now()}.mjs`;
  const out = spawnSync('npm', ['run', '-w', 'migrator-container', 'build', '--', `--outfile=${tmp}`], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (out.status !== 0) {
    rmSync(join(repoRoot, 'migrator-container', tmp), { force: true });
    throw new Error(`Building the migration worker failed:\n${out.stdout}\n${out.stderr}`);
  }
  renameSync(join(repoRoot, 'migrator-container', tmp), bundle);
}
