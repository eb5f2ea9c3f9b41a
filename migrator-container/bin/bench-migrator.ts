// Worker CPU cost of a migration run, measured on the real worker path: runImapsync (spawn, line splitting,
// parsing, throttled progress) + the progress writer + the run log file, fed by the imapsync stand-in
// replaying a captured 5,000-message run as fast as it can (IMAPSYNC_STANDIN_SPEED=0).
// Run: npm run bench:migrator [-- FIXTURE [IMAPSYNC_CPU_MS]]
// IMAPSYNC_CPU_MS is imapsync's own CPU for that run, from its Statistics block ("CPU time and %cpu": 4.93 s).
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunProgress } from '@app/shared/schemas/imapsync';
import { createFileLogSink } from '../src/adapters/file-log-sink.ts';
import { ProgressWriter } from '../src/adapters/progress-writer.ts';
import { runImapsync } from '../src/imapsync/run-imapsync.ts';

const name = process.argv[2] ?? '11a-throughput-5000-small';
const imapsyncCpuMs = Number(process.argv[3] ?? 4930);
const here = import.meta.dirname;
const fixtures = join(here, '..', 'test', 'fixtures', 'imapsync');
const standIn = join(here, '..', 'test', 'stand-in', 'imapsync');

// The stand-in needs a meta file next to the log; the throughput fixtures have none, so build one in /tmp.
const dir = mkdtempSync(join(tmpdir(), 'bench-migrator-'));
try {
  const log = existsSync(join(fixtures, `${name}.log`)) ? `${name}.log` : `${name}.log.gz`;
  copyFileSync(join(fixtures, log), join(dir, log));
  const status = Number(readFileSync(join(fixtures, `${name}.exit`), 'utf8').trim());
  writeFileSync(join(dir, `${name}.meta.json`), JSON.stringify({ name, exit_code: status, signal: null, kill: null }));

  // In-memory progress sink with an await, as a store write would have.
  const stored: RunProgress[] = [];
  const writer = new ProgressWriter(async (p) => {
    await new Promise((r) => setImmediate(r));
    stored.push(p);
  });
  const sink = createFileLogSink(join(dir, 'run.log'));
  const tail: string[] = [];
  let lines = 0;

  const before = process.cpuUsage();
  const started = Date.now();
  const result = await runImapsync({
    // The stand-in itself: it exits only once its stdout has drained, so every line arrives without a `| cat`.
    command: standIn,
    source: { host: '127.0.0.1', address: '127.0.0.1', port: 1143, user: 'bulk', tls: 'none', verifyCert: false },
    dest: { host: '127.0.0.1', address: '127.0.0.1', port: 2143, user: 'bulk', tls: 'none', verifyCert: false },
    passwords: { source: 'bench-source', dest: 'bench-dest' },
    workDir: join(dir, 'work'),
    options: {},
    env: { IMAPSYNC_STANDIN_FIXTURE: name, IMAPSYNC_STANDIN_DIR: dir, IMAPSYNC_STANDIN_SPEED: '0' },
    onLine: (line) => {
      lines++;
      sink.line(line);
      tail.push(line);
      if (tail.length > 400) tail.splice(0, 200);
    },
    onProgress: (p) => writer.push(p),
  });
  await writer.flush();
  sink.close();
  const used = process.cpuUsage(before);
  const wallMs = Date.now() - started;

  const cpuMs = (used.user + used.system) / 1000;
  const perK = cpuMs / (lines / 1000);
  const ratio = cpuMs / imapsyncCpuMs;
  process.stdout.write(
    `${name}: ${lines} lines in ${wallMs} ms wall; exit ${result.exitClass}, ${result.stats.transferred} transferred; ` +
      `worker CPU ${cpuMs.toFixed(1)} ms (user ${(used.user / 1000).toFixed(1)}, sys ${(used.system / 1000).toFixed(1)}); ` +
      `${writer.writes} progress writes; imapsync's own CPU for this run ${imapsyncCpuMs} ms\n`,
  );
  process.stdout.write(`migrator-bench cpu_ms_per_1k_lines=${perK.toFixed(3)} progress_writes=${writer.writes} ratio=${ratio.toFixed(4)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
