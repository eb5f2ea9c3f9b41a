import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

/** The captured imapsync runs copied from the lab (large logs are gzipped). */
export const FIXTURE_DIR = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'imapsync');

export type FixtureMeta = {
  name: string;
  args: string[];
  kill: { signal: string; at_ms: number; why: string } | null;
  exit_code: number | null;
  signal: string | null;
};

export function fixtureNames(): string[] {
  return readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith('.log') || f.endsWith('.log.gz'))
    .map((f) => f.replace(/\.log(\.gz)?$/, ''))
    .sort();
}

export function readFixtureLog(name: string): string {
  const plain = join(FIXTURE_DIR, `${name}.log`);
  if (existsSync(plain)) return readFileSync(plain, 'utf8');
  return gunzipSync(readFileSync(`${plain}.gz`)).toString('utf8');
}

/** Lines as a pipe reader sees them: split on \n, without the empty tail after the final newline. */
export function readFixtureLines(name: string): string[] {
  const lines = readFixtureLog(name).split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export function readFixtureStatus(name: string): number {
  return Number(readFileSync(join(FIXTURE_DIR, `${name}.exit`), 'utf8').trim());
}

export function readFixtureMeta(name: string): FixtureMeta {
  return JSON.parse(readFileSync(join(FIXTURE_DIR, `${name}.meta.json`), 'utf8')) as FixtureMeta;
}
