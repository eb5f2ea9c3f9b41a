/**
 * `npm run bench`: every benchmark in turn (api bundle, users list, SPA first load, DNS, and the migrator
 * and bulk benchmarks when package.json has those scripts), each as `npm run <script>` with its output
 * shown live, then one table: figure, value, baseline, ratio, target, met. Each benchmark's last line is
 * `name key=value …`; the table is read from those lines. Speed never fails the run; a crash does.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, summary } from './lib.ts';

type Fields = Record<string, string>;
interface Row {
  figure: string;
  value: string;
  baseline: string;
  ratio: string;
  target: string;
  met: string;
}

const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
const wanted = ['bench:api', 'bench:users', 'bench:web', 'bench:dns', 'bench:migrator', 'bench:bulk'];
const plan = wanted.filter((s) => s in scripts);
const skipped = wanted.filter((s) => !(s in scripts));

const SUMMARY = /^([\w.:-]+)((?:\s+[\w.:-]+=\S*)+)\s*$/;
function parseSummary(output: string): { name: string; fields: Fields } | undefined {
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean);
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = SUMMARY.exec(lines[i]!);
    if (m && !lines[i]!.startsWith('npm ')) return { name: m[1]!, fields: Object.fromEntries(m[2]!.trim().split(/\s+/).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])) };
  }
  return undefined;
}

function runScript(script: string): Promise<{ status: number | null; stdout: string; ms: number }> {
  const start = performance.now();
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      process.stdout.write(d);
    });
    child.on('close', (status) => resolve({ status, stdout, ms: performance.now() - start }));
  });
}

const metOf = (v: string | undefined): string => (v === 'true' ? 'yes' : v === 'false' ? 'NO' : '-');
const x = (v: string | undefined): string => (v === undefined ? '-' : `${v}x`);

/** The table rows of one benchmark's summary; unknown benchmarks get one generic row. */
function rowsOf(script: string, f: Fields): Row[] {
  switch (script) {
    case 'bench:api':
      return [
        { figure: 'api bundle size', value: `${f.bundle_kb} kB (${f.gzip_kb} kB gz, ${f.init_kb} kB at init)`, baseline: `${f.baseline_kb} kB Hono + lib-dynamodb`, ratio: '-', target: '-', met: '-' },
        { figure: 'api cold dashboard load (CPU)', value: `${f.cpu_ms} ms`, baseline: `${f.baseline_cpu_ms} ms Hono + lib-dynamodb`, ratio: x(f.ratio), target: `${f.target}x`, met: metOf(f.met) },
      ];
    case 'bench:users':
      return [
        { figure: `users list p50 (${f.users})`, value: `${f.p50_ms} ms`, baseline: `${f.bare_p50_ms} ms bare Hono`, ratio: x(ratioOf(f.p50_ms, f.bare_p50_ms)), target: '-', met: '-' },
        { figure: `users list p99 (${f.users})`, value: `${f.p99_ms} ms`, baseline: `${f.bare_p99_ms} ms bare Hono`, ratio: x(f.ratio), target: `${f.target}x`, met: metOf(f.met) },
      ];
    case 'bench:web':
      return [
        { figure: 'first-load JS (gzip)', value: `${f.first_load_kb} kB (login ${f.login_kb})`, baseline: `${f.baseline_kb} kB ${(f.baseline ?? '').replace(/_chunk$/, '').replace(/_/g, ' ')}`, ratio: x(f.ratio), target: `${f.target} kB`, met: metOf(f.met) },
        { figure: 'lighthouse perf (median of 3)', value: `login ${f.lighthouse_login}, dash ${f.lighthouse_dashboard}`, baseline: '-', ratio: '-', target: f.lighthouse_target ?? '-', met: metOf(f.lighthouse_met) },
      ];
    case 'bench:bulk':
      return [{ figure: `bulk import (${f.rows} rows)`, value: `${f.import_ms} ms`, baseline: `${f.preview_ms} ms preview`, ratio: x(f.ratio), target: f.target ?? '-', met: metOf(f.met) }];
    case 'bench:dns':
      return [{ figure: 'dns PurelyMail calls/day', value: `${f.calls}`, baseline: `${f.naive} naive`, ratio: x(f.ratio), target: '-', met: '-' }];
    default: {
      const { ratio, target, met, ...rest } = f;
      const value = Object.entries(rest).slice(0, 3).map(([k, v]) => `${k}=${v}`).join(' ');
      return [{ figure: script.replace('bench:', ''), value, baseline: '-', ratio: x(ratio), target: target ?? '-', met: metOf(met) }];
    }
  }
}

function ratioOf(a: string | undefined, b: string | undefined): string | undefined {
  const r = Number(a) / Number(b);
  return Number.isFinite(r) ? r.toFixed(2) : undefined;
}

const rows: Row[] = [];
let failed = 0;
for (const script of plan) {
  console.log(`\n=== npm run ${script} ===`);
  const r = await runScript(script);
  const parsed = parseSummary(r.stdout);
  console.log(`=== ${script}: exit ${r.status}, ${Math.round(r.ms / 1000)} s ===`);
  if (r.status !== 0 || !parsed) {
    failed++;
    rows.push({ figure: script.replace('bench:', ''), value: r.status !== 0 ? `failed (exit ${r.status})` : 'no summary line', baseline: '-', ratio: '-', target: '-', met: '-' });
    continue;
  }
  rows.push(...rowsOf(script, parsed.fields));
}

const header: Row = { figure: 'figure', value: 'value', baseline: 'baseline (same run)', ratio: 'ratio', target: 'target', met: 'met?' };
const cols = Object.keys(header) as (keyof Row)[];
const width = Object.fromEntries(cols.map((c) => [c, Math.max(...[header, ...rows].map((r) => r[c].length))])) as Record<keyof Row, number>;
const line = (r: Row) => cols.map((c) => r[c].padEnd(width[c])).join('  ').trimEnd();
console.log(`\n${line(header)}\n${cols.map((c) => '-'.repeat(width[c])).join('  ')}`);
for (const r of rows) console.log(line(r));
if (skipped.length) console.log(`(not in package.json, skipped: ${skipped.join(', ')})`);
const targets = rows.filter((r) => r.met !== '-');
summary('bench-all', { ran: plan.length, failed, targets_met: `${targets.filter((r) => r.met === 'yes').length}/${targets.length}` });
process.exitCode = failed ? 1 : 0;
