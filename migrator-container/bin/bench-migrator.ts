// Two parts, each figure printed with its baseline from the same run.
// 1. Parsing cost of a migration run, measured on the real worker path: runImapsync (spawn, line splitting,
//    parsing, throttled progress) + the progress writer + the run log file, fed by the imapsync stand-in
//    replaying a captured 5,000-message run as fast as it can (IMAPSYNC_STANDIN_SPEED=0); baseline: imapsync's own
//    CPU for that run (IMAPSYNC_CPU_MS, from its Statistics block: 4.93 s).
// 2. A batch at concurrency 1 through the real local runtime (queue, dispatcher, child-process workers, the
//    stand-in replaying 01-success): the idle gap between consecutive runs (target ≤ 1 s), dispatch → imapsync
//    spawn (target ≤ 300 ms) and the worker's CPU per run besides imapsync's. Baseline: the same batch the way it
//    ran before, the worker started with `node --import tsx src/main.ts` and no offer when a run ends (a freed
//    slot waited for the next run's 15 s re-offer).
// Run: npm run bench:migrator [-- FIXTURE [IMAPSYNC_CPU_MS]]
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { JobDetail, Run } from '@app/shared';
import type { RunProgress } from '@app/shared/schemas/imapsync';
import { ProgressWriter } from '@app/functions/worker';
import { startTestRuntime } from '@app/functions/testing';
import { createFileLogSink } from '../src/adapters/file-log-sink.ts';
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

// ---- 2. a batch at concurrency 1 through the local runtime ----
const BATCH = 4;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function batch(label: string, opts: { entry: string; offers: boolean }) {
  const spawnLog = join(mkdtempSync(join(tmpdir(), 'bench-batch-')), 'spawns.jsonl');
  process.env.IMAPSYNC_STANDIN_FIXTURE = '01-success';
  process.env.IMAPSYNC_STANDIN_SPEED = '0';
  process.env.IMAPSYNC_STANDIN_SPAWN_LOG = spawnLog;
  const t = await startTestRuntime({ IMAPSYNC_COMMAND: standIn, MIGRATOR_ENTRY: opts.entry, MIGRATION_CONCURRENCY: '1', MIGRATION_RETRY_DELAY_SECONDS: '15', LOG_LEVEL: 'debug' });
  try {
    // The baseline: the engine as it was, a freed slot waiting for the next run's delayed re-offer.
    if (!opts.offers) delete (t.runtime.migrations.queue as { offer?: unknown }).offer;
    const owner = await t.setupOwner();
    const post = async <T>(path: string, body: unknown) => (await (await owner.post(path, body)).json()) as T;
    const source = await post<{ id: string }>('/api/migrations/servers', { name: 'Old host', host: '127.0.0.1', port: 1143, tls: 'none', verifyCert: false });
    const dest = await post<{ id: string }>('/api/migrations/servers', { name: 'Lab', host: '127.0.0.1', port: 2143, tls: 'none', verifyCert: false });
    const ids: string[] = [];
    for (let i = 0; i < BATCH; i++) {
      const d = await post<JobDetail>('/api/migrations/jobs', { name: `bench ${i}`, source: { serverId: source.id, user: `u${i}`, password: 'pw' }, dest: { serverId: dest.id, user: `u${i}@new.example`, password: 'pw' }, start: 'full' });
      ids.push(d.runs[0]!.id);
    }
    let runs: Run[] = [];
    for (const until = Date.now() + 180_000; Date.now() < until; ) {
      runs = await Promise.all(ids.map(async (id) => (await (await owner.get(`/api/migrations/runs/${id}`)).json()) as Run));
      if (runs.every((r) => r.endedAt)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    if (!runs.every((r) => r.state === 'succeeded')) throw new Error(`${label}: runs did not all succeed: ${runs.map((r) => r.state).join(', ')}`);
    const gaps = runs.slice(1).map((r, i) => Date.parse(r.startedAt!) - Date.parse(runs[i]!.endedAt!));
    const spawns = new Map(readFileSync(spawnLog, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { at: number; cwd: string }).map((s) => [basename(s.cwd), s.at]));
    const toSpawn = runs.map((r) => spawns.get(r.id)! - Date.parse(r.startedAt!));
    const cpu = t.logs.flatMap((l) => {
      const m = /"run finished.*?workerCpuMs\\?":(\d+)/.exec(l);
      return m ? [Number(m[1])] : [];
    });
    const wall = runs.map((r) => Date.parse(r.endedAt!) - Date.parse(r.startedAt!));
    return { gapMs: median(gaps), maxGapMs: Math.max(...gaps), toSpawnMs: median(toSpawn), cpuMs: cpu.length ? median(cpu) : Number.NaN, wallMs: median(wall) };
  } finally {
    await t.close();
    rmSync(join(spawnLog, '..'), { recursive: true, force: true });
  }
}

const now = await batch('bundle + offers', { entry: 'migrator-container/dist/main.mjs', offers: true });
const before = await batch('tsx + re-offer only', { entry: 'migrator-container/src/main.ts', offers: false });
const ms = (n: number) => `${n.toFixed(0)} ms`;
process.stdout.write(
  `batch of ${BATCH} runs (01-success, 300 messages each) at concurrency 1, median per run, now vs before:\n` +
    `  idle gap between runs ........ ${ms(now.gapMs)} (max ${ms(now.maxGapMs)}) vs ${ms(before.gapMs)} (max ${ms(before.maxGapMs)}) — target ≤ 1000 ms: ${now.maxGapMs <= 1000 ? 'met' : 'MISSED'}\n` +
    `  dispatch → imapsync spawn .... ${ms(now.toSpawnMs)} vs ${ms(before.toSpawnMs)} — target ≤ 300 ms: ${now.toSpawnMs <= 300 ? 'met' : 'MISSED'}\n` +
    `  worker CPU per run ........... ${ms(now.cpuMs)} vs ${ms(before.cpuMs)} (besides imapsync's own)\n` +
    `  run wall time (dispatch → end) ${ms(now.wallMs)} vs ${ms(before.wallMs)}\n`,
);
process.stdout.write(
  `migrator-bench idle_gap_ms=${now.gapMs.toFixed(0)} idle_gap_baseline_ms=${before.gapMs.toFixed(0)} idle_gap_met=${now.maxGapMs <= 1000} ` +
    `dispatch_to_spawn_ms=${now.toSpawnMs.toFixed(0)} dispatch_to_spawn_baseline_ms=${before.toSpawnMs.toFixed(0)} dispatch_to_spawn_met=${now.toSpawnMs <= 300} ` +
    `worker_cpu_ms=${now.cpuMs.toFixed(0)} worker_cpu_baseline_ms=${before.cpuMs.toFixed(0)}\n`,
);
