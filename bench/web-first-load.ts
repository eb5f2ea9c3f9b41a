/**
 * `npm run bench:web`: the SPA's first-load JavaScript. Builds web/ when web/build is missing, starts the
 * local runtime in this process, opens /login and the dashboard (/, signed in) in Debian's Chromium, each
 * in a fresh browser context (empty cache), records every JavaScript response and sums the bytes gzipped
 * here at level 9 (a stable figure whatever the server sends). Baseline: the Svelte runtime chunk (found
 * by its hydration error codes; the largest chunk when none matches), named in the output. Each file is
 * labelled by what it holds where recognisable (svelte runtime, zod). Target: each page's first-load JS
 * ≤ 120 kB gzip.
 *
 * Lighthouse (performance score, mobile, simulated throttling) runs when it can be installed from the npm
 * registry into a cache under /tmp (never a repo dependency) and Chromium is present; otherwise it says why
 * not. Three runs per page (LIGHTHOUSE_RUNS), the median is the figure, each run's score is printed. Target:
 * median ≥ 95 on both pages.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser } from 'playwright-core';
import { CSRF_HEADER } from '@app/shared';
import { startLocal } from '../functions/src/local/start-local.ts';
import { LocalConfig } from '../functions/src/platform/config/local-config.ts';
import { parseConfig } from '../functions/src/platform/config/parse-config.ts';
import { createJsonLogger } from '../functions/src/platform/logger.ts';
import { median, ROOT, round, summary } from './lib.ts';

const TARGET_KB = 120;
const LIGHTHOUSE_TARGET = 95;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const LIGHTHOUSE_VERSION = process.env.LIGHTHOUSE_VERSION ?? '13.5.0';
const LIGHTHOUSE_DIR = process.env.LIGHTHOUSE_CACHE_DIR ?? join(tmpdir(), 'pm-bench-lighthouse');
const LIGHTHOUSE_RUNS = Number(process.env.LIGHTHOUSE_RUNS ?? 3);
const COOKIE = '__Host-pm_sid';

interface PageLoad {
  page: string;
  scripts: { url: string; raw: number; gzip: number; label: string }[];
  rawKb: number;
  gzipKb: number;
  /** The baseline: the Svelte runtime chunk, or the largest chunk when it cannot be told apart. */
  baseline: { name: string; what: string; gzipKb: number };
}

const buildDir = join(ROOT, 'web/build');
if (!existsSync(join(buildDir, 'index.html'))) {
  console.log('web/build missing: npm run build:web');
  const r = spawnSync('npm', ['run', 'build:web'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('npm run build:web failed');
}
if (!existsSync(CHROMIUM)) {
  console.log(`chromium: not found at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  summary('web-bench', { first_load_kb: 'n/a', target: `<=${TARGET_KB}`, met: 'n/a' });
  process.exit(0);
}

const dataDir = mkdtempSync(join(tmpdir(), 'pm-bench-web-'));
const config = parseConfig(LocalConfig, { DATA_DIR: dataDir, PORT: '0', BUILD_WEB: 'false', WEB_BUILD_DIR: buildDir, PASSWORD_SCRYPT_LOG_N: '12', LOG_LEVEL: 'silent', DNS_TIER_INTERVAL_MINUTES: '0' });
const runtime = await startLocal(config, { logger: createJsonLogger({ level: 'silent', write: () => {} }) });
let browser: Browser | undefined;
try {
  const token = new URL(runtime.setupUrl!).hash.replace('#token=', '');
  const setup = await fetch(`${runtime.url}/api/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: runtime.url, [CSRF_HEADER]: '1' },
    body: JSON.stringify({ token, email: 'owner@bench.example', name: 'Bench Owner', password: 'correct horse battery staple 42' }),
  });
  if (setup.status !== 201) throw new Error(`setup failed: ${setup.status} ${await setup.text()}`);
  const sid = setup.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith(`${COOKIE}=`))?.slice(COOKIE.length + 1);
  if (!sid) throw new Error('setup set no session cookie');

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  const load = async (path: string, signedIn: boolean, expectPath: RegExp): Promise<PageLoad> => {
    const context = await browser!.newContext();
    if (signedIn) await context.addCookies([{ name: COOKIE, value: sid, domain: new URL(runtime.url).hostname, path: '/', secure: true, httpOnly: true, sameSite: 'Strict' }]);
    const page = await context.newPage();
    const pending: Promise<{ url: string; body: Buffer } | undefined>[] = [];
    page.on('response', (res) => {
      const type = res.headers()['content-type'] ?? '';
      if (res.request().resourceType() === 'script' || /javascript/.test(type)) pending.push(res.body().then((body) => ({ url: res.url(), body }), () => undefined));
    });
    await page.goto(runtime.url + path, { waitUntil: 'networkidle' });
    const landed = new URL(page.url()).pathname;
    if (!expectPath.test(landed)) throw new Error(`${path}: landed on ${landed}`);
    const seen = new Map<string, Buffer>();
    for (const r of await Promise.all(pending)) if (r) seen.set(r.url, r.body);
    await context.close();
    const scripts = [...seen].map(([url, body]) => ({ url: new URL(url).pathname, raw: body.length, gzip: gzipSync(body, { level: 9 }).length, label: labelOf(body.toString('utf8')) }));
    const biggest = scripts.reduce((a, b) => (b.gzip > a.gzip ? b : a), { url: '-', raw: 0, gzip: 0, label: '' });
    const runtimeChunk = scripts.find((s) => s.label === 'svelte runtime');
    const base = runtimeChunk ?? biggest;
    return {
      page: path,
      scripts,
      rawKb: scripts.reduce((n, s) => n + s.raw, 0) / 1024,
      gzipKb: scripts.reduce((n, s) => n + s.gzip, 0) / 1024,
      baseline: { name: base.url.split('/').slice(-2).join('/'), what: runtimeChunk ? 'svelte runtime chunk' : 'largest chunk', gzipKb: base.gzip / 1024 },
    };
  };
  const pages = [await load('/login', false, /^\/login/), await load('/', true, /^\/$/)];
  for (const p of pages) {
    console.log(`${p.page === '/' ? 'dashboard (/)' : p.page}: ${p.scripts.length} JS files, ${round(p.rawKb, 1)} kB raw, ${round(p.gzipKb, 1)} kB gzip; baseline ${p.baseline.what} ${p.baseline.name} ${round(p.baseline.gzipKb, 1)} kB gzip (${round(p.gzipKb / p.baseline.gzipKb)}x)`);
    for (const s of [...p.scripts].sort((a, b) => b.gzip - a.gzip).slice(0, 5)) console.log(`  ${s.url}  ${round(s.raw / 1024, 1)} kB raw, ${round(s.gzip / 1024, 1)} kB gzip${s.label ? `  (${s.label})` : ''}`);
  }
  const worst = pages.reduce((a, b) => (b.gzipKb > a.gzipKb ? b : a));

  const lighthouse = await runLighthouse(runtime.url, sid);
  console.log(lighthouse.line);
  summary('web-bench', {
    login_kb: round(pages[0]!.gzipKb, 1),
    dashboard_kb: round(pages[1]!.gzipKb, 1),
    first_load_kb: round(worst.gzipKb, 1),
    baseline_kb: round(worst.baseline.gzipKb, 1),
    baseline: worst.baseline.what.replace(/ /g, '_'),
    ratio: round(worst.gzipKb / worst.baseline.gzipKb),
    lighthouse_login: lighthouse.scores['/login'] ?? 'n/a',
    lighthouse_dashboard: lighthouse.scores['/'] ?? 'n/a',
    lighthouse_target: `>=${LIGHTHOUSE_TARGET}`,
    lighthouse_met: '/' in lighthouse.scores ? lighthouse.scores['/login']! >= LIGHTHOUSE_TARGET && lighthouse.scores['/']! >= LIGHTHOUSE_TARGET : 'n/a',
    target: `<=${TARGET_KB}`,
    met: worst.gzipKb <= TARGET_KB,
  });
} finally {
  await browser?.close();
  await runtime.close();
  rmSync(dataDir, { recursive: true, force: true });
}

/** What a chunk holds, from strings that survive minification. */
function labelOf(code: string): string {
  if (code.includes('hydration_mismatch')) return 'svelte runtime';
  if (code.includes('ZodError')) return 'zod';
  return '';
}

interface LighthouseRun {
  score: number;
  line: string;
}

/**
 * Installs Lighthouse into a cache dir on first use, then scores /login and the signed-in dashboard RUNS times
 * each, alternating pages so a burst of load on this shared machine does not fall on one page's runs only.
 * The figure is the median score per page; every run's score is printed beside it.
 */
async function runLighthouse(url: string, sid: string): Promise<{ line: string; scores: Record<string, number> }> {
  const cli = join(LIGHTHOUSE_DIR, 'node_modules/lighthouse/cli/index.js');
  const pinned = join(LIGHTHOUSE_DIR, 'node_modules/lighthouse/package.json');
  const installed = existsSync(pinned) && (JSON.parse(readFileSync(pinned, 'utf8')) as { version: string }).version === LIGHTHOUSE_VERSION;
  if (!installed) {
    mkdirSync(LIGHTHOUSE_DIR, { recursive: true });
    writeFileSync(join(LIGHTHOUSE_DIR, 'package.json'), '{"private":true}\n');
    console.log(`lighthouse: installing lighthouse@${LIGHTHOUSE_VERSION} into ${LIGHTHOUSE_DIR}`);
    const r = spawnSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--loglevel=error', `lighthouse@${LIGHTHOUSE_VERSION}`], { cwd: LIGHTHOUSE_DIR, encoding: 'utf8' });
    if (r.status !== 0) return { line: `lighthouse: unavailable (npm install failed: ${(r.stderr || r.stdout).trim().split('\n').pop()})`, scores: {} };
  }
  const pages = [
    { path: '/login', name: 'login', headers: undefined },
    { path: '/', name: 'dashboard', headers: { cookie: `${COOKIE}=${sid}` } },
  ] as const;
  const runs = new Map<string, LighthouseRun[]>(pages.map((p) => [p.path, []]));
  console.log(`lighthouse ${LIGHTHOUSE_VERSION}: ${LIGHTHOUSE_RUNS} runs per page, load average ${loadAverage()} before`);
  for (let i = 1; i <= LIGHTHOUSE_RUNS; i++) {
    for (const p of pages) {
      const out = join(LIGHTHOUSE_DIR, `report-${p.name}-${i}.json`);
      const args = [cli, url + p.path, '--only-categories=performance', '--output=json', `--output-path=${out}`, '--quiet', '--chrome-flags=--headless --no-sandbox --disable-gpu'];
      if (p.headers) args.push(`--extra-headers=${JSON.stringify(p.headers)}`);
      rmSync(out, { force: true });
      // Asynchronously: the server under test runs in this process and must keep answering.
      const r = await run(process.execPath, args, { ...process.env, CHROME_PATH: CHROMIUM }, 180_000);
      if (r.status !== 0 || !existsSync(out)) return { line: `lighthouse: unavailable (exit ${r.status}: ${r.output.trim().split('\n').pop()})`, scores: {} };
      const report = JSON.parse(readFileSync(out, 'utf8')) as { finalDisplayedUrl?: string; categories: { performance: { score: number | null } }; audits: Record<string, { displayValue?: string }> };
      const score = Math.round((report.categories.performance.score ?? 0) * 100);
      const a = report.audits;
      const landed = report.finalDisplayedUrl ? new URL(report.finalDisplayedUrl).pathname : '?';
      const line = `${score} (FCP ${a['first-contentful-paint']?.displayValue}, LCP ${a['largest-contentful-paint']?.displayValue}, TBT ${a['total-blocking-time']?.displayValue}, CLS ${a['cumulative-layout-shift']?.displayValue}, landed ${landed})`;
      console.log(`  run ${i} ${p.name}: ${line}; report ${out}`);
      runs.get(p.path)!.push({ score, line });
    }
  }
  const scores: Record<string, number> = {};
  const parts: string[] = [];
  for (const p of pages) {
    const all = runs.get(p.path)!;
    scores[p.path] = median(all.map((r) => r.score));
    parts.push(`${p.name} median ${scores[p.path]} (runs ${all.map((r) => r.score).join(', ')})`);
  }
  return { line: `lighthouse ${LIGHTHOUSE_VERSION} performance (mobile, simulated throttling), median of ${LIGHTHOUSE_RUNS}: ${parts.join('; ')}; load average ${loadAverage()} after`, scores };
}

/** The 1, 5 and 15 minute load averages: Lighthouse's simulated timings still depend on this machine's CPU. */
function loadAverage(): string {
  return loadavg().map((n) => n.toFixed(2)).join(' / ');
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', (e) => (output += String(e)));
    child.on('close', (status) => resolve({ status, output }));
  });
}
