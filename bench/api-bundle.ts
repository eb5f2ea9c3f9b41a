/**
 * `npm run bench:api`: the api Lambda's bundle, built by esbuild with the options the CDK passes
 * (infra/lib/constructs/app-function.ts → NodejsFunction: --bundle --platform=node --format=esm
 * --target=node24 --minify --sourcemap --main-fields=module,main, the createRequire banner, no externals),
 * its raw and gzip size, and its cold import time: the median of 11 `node -e "await import(bundle)"`
 * against the median of 11 bare `node -e "0"`, runs interleaved so both see the same machine load.
 * Target: cold import ≤ 2.7 × bare node.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { median, ROOT, round, summary, timeProcess } from './lib.ts';

const RUNS = 11;
const TARGET_RATIO = 2.7;
/** Copied from infra/lib/constructs/app-function.ts (importing it would load aws-cdk-lib); checked below. */
const ESM_REQUIRE_BANNER = "import{createRequire as __cr}from'module';const require=__cr(import.meta.url);";
const TARGET = 'node24';

const infra = readFileSync(join(ROOT, 'infra/lib/constructs/app-function.ts'), 'utf8');
if (!infra.includes(JSON.stringify(ESM_REQUIRE_BANNER)) || !infra.includes(`target: '${TARGET}'`) || !infra.includes('externalModules: []')) {
  console.warn('warning: infra/lib/constructs/app-function.ts bundling options changed; update bench/api-bundle.ts to match');
}

const outDir = mkdtempSync(join(tmpdir(), 'pm-bench-api-'));
try {
  const outfile = join(outDir, 'index.mjs');
  const t0 = performance.now();
  const result = await build({
    entryPoints: [join(ROOT, 'functions/src/entrypoints/http-api.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: TARGET,
    outfile,
    minify: true,
    sourcemap: true,
    mainFields: ['module', 'main'],
    banner: { js: ESM_REQUIRE_BANNER },
    external: [],
    logLevel: 'warning',
    metafile: true,
  });
  const buildMs = performance.now() - t0;
  const bytes = readFileSync(outfile);
  const bundleKb = bytes.length / 1024;
  const gzipKb = gzipSync(bytes, { level: 9 }).length / 1024;
  console.log(`bundle: ${outfile} built in ${Math.round(buildMs)} ms`);
  // Where the bytes come from: the biggest packages (or our own source) in the output.
  const byPackage = new Map<string, number>();
  for (const output of Object.values(result.metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? (input.split('/').slice(0, 2).join('/') || input);
      byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + bytesInOutput);
    }
  }
  const top = [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 8);
  console.log(`largest parts (kB, minified): ${top.map(([k, v]) => `${k} ${round(v / 1024, 0)}`).join(', ')}`);
  console.log(`size: ${round(bundleKb, 1)} kB raw, ${round(gzipKb, 1)} kB gzip (level 9); source map ${round(readFileSync(`${outfile}.map`).length / 1024, 0)} kB (not loaded at import)`);

  // What Lambda sets, plus the stack's variables: composition must succeed and make no network call.
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_LAMBDA_FUNCTION_NAME: 'bench-api',
    TABLE_NAME: 'purelymanage-bench',
    APP_ORIGIN: 'https://panel.bench.example',
    APP_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:bench-app',
    LOG_LEVEL: 'silent',
  };
  const url = pathToFileURL(outfile).href;
  // Both exit as soon as their code has run: Lambda's init ends when the module is evaluated, not when work the
  // module started in the background (e.g. the app secret read at cold start) settles, so that is not timed.
  const importArgs = ['--input-type=module', '-e', `const m = await import(${JSON.stringify(url)}); process.exit(typeof m.handler === 'function' ? 0 : 3);`];
  const bareArgs = ['--input-type=module', '-e', 'process.exit(0)'];
  // One untimed run of each: the file cache, not the first spawn, is what we don't want to measure.
  timeProcess(process.execPath, importArgs, env);
  timeProcess(process.execPath, bareArgs, env);
  const cold: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    cold.push(timeProcess(process.execPath, importArgs, env));
    bare.push(timeProcess(process.execPath, bareArgs, env));
  }
  const coldMs = median(cold);
  const nodeMs = median(bare);
  const ratio = coldMs / nodeMs;
  console.log(`cold import (node ${process.version}, ${RUNS} runs): median ${round(coldMs, 1)} ms [${cold.map((v) => Math.round(v)).join(' ')}]`);
  console.log(`bare node -e 0 (${RUNS} runs): median ${round(nodeMs, 1)} ms [${bare.map((v) => Math.round(v)).join(' ')}]`);
  console.log(`import cost over bare node: ${round(coldMs - nodeMs, 1)} ms`);
  summary('api-bench', { bundle_kb: round(bundleKb, 1), gzip_kb: round(gzipKb, 1), cold_ms: round(coldMs, 1), node_ms: round(nodeMs, 1), ratio: round(ratio), target: `<=${TARGET_RATIO}`, met: ratio <= TARGET_RATIO });
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
