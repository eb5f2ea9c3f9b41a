import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { newestMtime } from './build-web-if-needed.ts';

/** The worker as the container runs it: an esbuild bundle, main.mjs and its chunks/ (`npm run -w migrator-container build`). */
export const WORKER_BUNDLE = 'migrator-container/dist/main.mjs';

/**
 * Builds the worker bundle when there is none or a source it bundles (migrator-container/src, functions/src,
 * shared/src) is newer. The local runner starts `node dist/main.mjs` like the container does: ~0.1 s of start-up
 * instead of ~1 s compiling TypeScript with tsx for every run. The build goes to a directory of its own; its chunks
 * (named after their content) are moved into dist/chunks/ first and main.mjs last, each by a rename, so test
 * runtimes starting in parallel never start a half-written bundle.
 */
export function buildWorkerIfNeeded(repoRoot: string, log: (msg: string) => void): void {
  const bundle = join(repoRoot, WORKER_BUNDLE);
  const sources = ['migrator-container/src', 'functions/src', 'shared/src'].map((d) => join(repoRoot, d)).filter(existsSync);
  if (existsSync(bundle) && statSync(bundle).mtimeMs >= Math.max(...sources.map(newestMtime))) return;
  log('Building the migration worker (first start or changed sources)…');
  const dist = join(repoRoot, 'migrator-container', 'dist');
  const tmp = join(dist, `.build-${process.pid}-${Date.now()}`);
  try {
    const out = spawnSync('npm', ['run', '-w', 'migrator-container', 'build', '--', tmp], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
    if (out.status !== 0) throw new Error(`Building the migration worker failed:\n${out.stdout}\n${out.stderr}`);
    mkdirSync(join(dist, 'chunks'), { recursive: true });
    for (const chunk of readdirSync(join(tmp, 'chunks'))) renameSync(join(tmp, 'chunks', chunk), join(dist, 'chunks', chunk));
    renameSync(join(tmp, 'main.mjs'), bundle);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
