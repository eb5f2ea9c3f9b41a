/** Small helpers shared by the benchmarks: statistics and the one-line summary run-all reads. */
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile (p in 0..100) of unsorted values. */
export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export const round = (n: number, digits = 2): number => Number(n.toFixed(digits));

/** Prints the last line every benchmark ends with: `name key=value …` (run-all parses it). */
export function summary(name: string, fields: Record<string, string | number | boolean>): void {
  console.log(`${name} ${Object.entries(fields).map(([k, v]) => `${k}=${v}`).join(' ')}`);
}

/** Wall time of one child process, from spawn to exit, in ms; throws when it fails. */
export function timeProcess(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): number {
  const start = performance.now();
  const result = spawnSync(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = performance.now() - start;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}
