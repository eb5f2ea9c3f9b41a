// CPU cost of the imapsync parser per 1,000 output lines, on a captured 5,000-message run.
// Run: npx tsx migrator-container/bin/bench-parser.ts [FIXTURE] [IMAPSYNC_CPU_MS]
// The second argument is imapsync's own user+sys CPU for that run (11a.time: 4.10 + 0.83 s).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ImapsyncParser } from '../src/imapsync/imapsync-parser.ts';

const name = process.argv[2] ?? '11a-throughput-5000-small';
const imapsyncCpuMs = Number(process.argv[3] ?? 4930);
const file = join(import.meta.dirname, '..', 'test', 'fixtures', 'imapsync', `${name}.log.gz`);
const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n');
const ROUNDS = 20;

function once(): void {
  const p = new ImapsyncParser();
  for (const l of lines) {
    p.push(l);
    p.progress();
  }
  p.finish({ code: 0, signal: null });
}

once(); // warm up the JIT
const before = process.cpuUsage();
for (let i = 0; i < ROUNDS; i++) once();
const used = process.cpuUsage(before);
const cpuMs = (used.user + used.system) / 1000;
const perK = cpuMs / ((lines.length * ROUNDS) / 1000);
const share = ((perK * lines.length) / 1000 / imapsyncCpuMs) * 100;
process.stdout.write(
  `${name}: ${lines.length} lines x ${ROUNDS}; ${perK.toFixed(3)} ms CPU per 1,000 lines ` +
    `(push + progress() per line); ${share.toFixed(2)}% of imapsync's ${imapsyncCpuMs} ms CPU for this run\n`,
);
