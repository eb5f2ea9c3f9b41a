/**
 * `npm run bench:api`: the api Lambda's bundle, built by esbuild with exactly the options the CDK uses
 * (infra/lib/constructs/lambda-build-options.ts, imported, and checked to be what app-function.ts calls): ESM with
 * code splitting, `index.mjs` plus `chunks/`. It reports
 * - sizes: all JavaScript, and what a cold start loads (`index.mjs` and the chunks it imports statically);
 * - cold import: the median of 21 `node -e "await import(index.mjs)"` against the median of 21 bare `node -e 0`,
 *   runs interleaved so both see the same machine load, both without NODE_OPTIONS (as Lambda runs it: source
 *   maps are written but not loaded). Target: cold import ≤ 2.7 × bare node;
 * - init + first requests, in one process per run: import, then the handler with API Gateway v2 events for
 *   `GET /api/health` (a DynamoDB read, and a PurelyMail probe whose token read loads the Secrets Manager SDK
 *   chunk on demand) and then a route not used before in that process (the public campaign form), so where the
 *   cost moved is visible. DynamoDB is a local dynalite; Secrets Manager and PurelyMail are a closed port, so
 *   their calls fail at once (the health answer is then 503) instead of leaving this machine.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { LAMBDA_ENTRY_FILE, lambdaBuildOptions } from '../infra/lib/constructs/lambda-build-options.ts';
import { startLocalDynamo } from '../functions/src/adapters/dynamodb/local-dynalite.ts';
import { median, ROOT, round, summary, timeProcess } from './lib.ts';

// 21, not 11: a cold start here varies by ±10 % from run to run (a shared 2-core machine), and the median of 11 moved
// the ratio by 0.2 between two runs of the same bundle.
const RUNS = 21;
const TARGET_RATIO = 2.7;
const APP_ORIGIN = 'https://panel.bench.example';

// The construct must build with these options, or this bench measures something else.
const infra = readFileSync(join(ROOT, 'infra/lib/constructs/app-function.ts'), 'utf8');
if (!infra.includes('lambdaBuildOptions(') || infra.includes('NODE_OPTIONS') || !infra.includes('LAMBDA_ENTRY_FILE')) {
  console.warn('warning: infra/lib/constructs/app-function.ts no longer bundles with lambdaBuildOptions, or now sets NODE_OPTIONS; update bench/api-bundle.ts to match');
}

/** An API Gateway HTTP API (payload 2.0) request, as the api function receives it. */
function httpEvent(method: string, path: string, body?: unknown) {
  const headers: Record<string, string> = { host: 'abc123.execute-api.eu-west-1.amazonaws.com', 'user-agent': 'bench', accept: 'application/json' };
  if (body !== undefined) Object.assign(headers, { origin: APP_ORIGIN, 'x-purelymanage-csrf': '1', 'content-type': 'application/json', 'content-length': String(JSON.stringify(body).length) });
  return {
    version: '2.0',
    routeKey: 'ANY /api/{proxy+}',
    rawPath: path,
    rawQueryString: '',
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'bench' },
      requestId: 'bench',
      routeKey: 'ANY /api/{proxy+}',
      stage: '$default',
      time: '21/Nov/2026:06:00:00 +0000',
      timeEpoch: 1_795_000_000_000,
    },
    isBase64Encoded: false,
  };
}

/** The requests after init: the health check, then a second route's first use (the public campaign form). */
const REQUESTS = [
  { name: 'health', event: httpEvent('GET', '/api/health') },
  { name: 'second_route', event: httpEvent('POST', '/api/public/campaigns/info', { token: 'bench-not-a-real-campaign-token' }) },
];

// One process per run, as Lambda starts one: import (init), then each request in turn, timed in-process.
// It also counts `new Function` calls: zod compiles a parser with one unless its jitless setting was made
// before the schema was built (http-api.ts); with code splitting a schema in a chunk the entry imports
// statically is built before the entry's first line, so any count means the setting came too late.
const RUNNER = `
const [url, events] = [process.argv[2], JSON.parse(process.argv[3])];
let compiled = 0;
globalThis.Function = new Proxy(Function, { construct(target, args) { compiled++; return Reflect.construct(target, args); } });
const t0 = performance.now();
const { handler } = await import(url);
const times = [performance.now() - t0];
const statuses = [];
for (const event of events) {
  const start = performance.now();
  const res = await handler(event, { awsRequestId: 'bench', getRemainingTimeInMillis: () => 29000 });
  times.push(performance.now() - start);
  statuses.push(res.statusCode);
}
process.stdout.write(JSON.stringify({ times, statuses, compiled }));
process.exit(0);
`;

/** The output files a cold start reads: the entry and, transitively, the chunks it imports statically. */
function initialOutputs(metafile: Metafile, entryOut: string): Set<string> {
  const seen = new Set<string>();
  const visit = (out: string) => {
    if (seen.has(out) || !metafile.outputs[out]) return;
    seen.add(out);
    for (const i of metafile.outputs[out].imports) if (i.kind === 'import-statement') visit(i.path);
  };
  visit(entryOut);
  return seen;
}

/** Minified bytes per package (or our own source folder) in the given outputs, largest first. */
function largestParts(metafile: Metafile, outputs: Iterable<string>, n: number): string {
  const byPackage = new Map<string, number>();
  for (const out of outputs) {
    for (const [input, { bytesInOutput }] of Object.entries(metafile.outputs[out]!.inputs)) {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? (/(functions|shared)\/src\/[^/]+/.exec(input)?.[0] ?? input);
      byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + bytesInOutput);
    }
  }
  return [...byPackage]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${k} ${round(v / 1024, 0)}`)
    .join(', ');
}

const outDir = mkdtempSync(join(tmpdir(), 'pm-bench-api-'));
const dynamo = await startLocalDynamo({ tableName: 'pm-bench-api' });
try {
  const t0 = performance.now();
  const options = lambdaBuildOptions(join(ROOT, 'functions/src/entrypoints/http-api.ts'), outDir);
  // Output paths in the metafile are relative to the working directory; make them absolute.
  const result = await build({ ...options, absWorkingDir: '/' });
  const buildMs = performance.now() - t0;
  const metafile = result.metafile;
  const abs = (p: string) => (p.startsWith('/') ? p : `/${p}`);
  const jsOutputs = Object.keys(metafile.outputs).filter((p) => p.endsWith('.mjs'));
  const entryOut = jsOutputs.find((p) => abs(p) === join(outDir, LAMBDA_ENTRY_FILE))!;
  const initial = initialOutputs(metafile, entryOut);
  const lazy = jsOutputs.filter((p) => !initial.has(p));
  const bytesOf = (ps: Iterable<string>) => Buffer.concat([...ps].map((p) => readFileSync(abs(p))));
  const all = bytesOf(jsOutputs);
  const init = bytesOf(initial);
  const kb = (b: Buffer) => b.length / 1024;
  const gzKb = (b: Buffer) => gzipSync(b, { level: 9 }).length / 1024;
  console.log(`bundle: ${outDir} built in ${Math.round(buildMs)} ms: ${jsOutputs.length} files (${initial.size} loaded at init)`);
  console.log(`loaded at init, largest parts (kB, minified): ${largestParts(metafile, initial, 10)}`);
  console.log(`loaded on demand, largest parts (kB, minified): ${largestParts(metafile, lazy, 10)}`);
  const mapKb = jsOutputs.reduce((sum, p) => sum + readFileSync(`${abs(p)}.map`).length, 0) / 1024;
  console.log(`size: ${round(kb(all), 1)} kB raw, ${round(gzKb(all), 1)} kB gzip (level 9) in all; loaded at init ${round(kb(init), 1)} kB raw, ${round(gzKb(init), 1)} kB gzip; source maps ${round(mapKb, 0)} kB`);

  // What Lambda sets, plus the stack's variables: composition must succeed and make no call that leaves this machine.
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_LAMBDA_FUNCTION_NAME: 'bench-api',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_MAX_ATTEMPTS: '1',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: 'http://127.0.0.1:9',
    // Lambda runs Node 24; the SDK's "Node 20 is going away" warning is this machine's, not the function's.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:9',
    AWS_ENDPOINT_URL_KMS: 'http://127.0.0.1:9',
    AWS_ENDPOINT_URL_SCHEDULER: 'http://127.0.0.1:9',
    // Every variable the api stack sets on the function (infra/lib/stacks/api-stack.ts; infra/test/function-env
    // checks that list), so configuration is read and validated as on AWS.
    TABLE_NAME: 'pm-bench-api',
    APP_ORIGIN,
    APP_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:bench-app',
    MAIL_FROM: 'notify@bench.example',
    MIGRATION_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/pm-bench-jobs',
    MIGRATION_KMS_KEY_ID: 'arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000',
    MIGRATOR_LOG_GROUP_NAME: '/pm-bench/migrator',
    MIGRATOR_LOG_STREAM_PREFIX: 'run/migrator',
    SCHEDULER_GROUP_NAME: 'pm-bench-actions',
    SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/pm-bench-scheduler',
    SCHEDULER_DLQ_ARN: 'arn:aws:sqs:eu-west-1:123456789012:pm-bench-dlq',
    SCHEDULED_FUNCTION_ARN: 'arn:aws:lambda:eu-west-1:123456789012:function:pm-bench-scheduled',
    // Not set by the stack: PurelyMail must not be reached from here, and the output stays readable.
    PURELYMAIL_BASE_URL: 'http://127.0.0.1:9',
    LOG_LEVEL: 'silent',
  };
  const url = pathToFileURL(join(outDir, LAMBDA_ENTRY_FILE)).href;
  // Both exit as soon as their code has run: Lambda's init ends when the module is evaluated, not when work the
  // module started in the background (e.g. the app secret read at cold start) settles, so that is not timed here
  // (the first request below waits for what it needs).
  const importArgs = ['--input-type=module', '-e', `const m = await import(${JSON.stringify(url)}); process.exit(typeof m.handler === 'function' ? 0 : 3);`];
  const bareArgs = ['--input-type=module', '-e', 'process.exit(0)'];
  const runnerFile = join(outDir, 'run-requests.mjs');
  writeFileSync(runnerFile, RUNNER);
  const requestsArgs = [runnerFile, url, JSON.stringify(REQUESTS.map((r) => r.event))];
  // Not spawnSync: dynalite answers from this process, so its event loop must keep running meanwhile.
  const runRequests = async (): Promise<{ times: number[]; statuses: number[]; compiled: number }> => {
    const { stdout } = await promisify(execFile)(process.execPath, requestsArgs, { env, encoding: 'utf8', timeout: 60_000 });
    return JSON.parse(stdout) as { times: number[]; statuses: number[]; compiled: number };
  };
  // One untimed run of each: the file cache, not the first spawn, is what we don't want to measure.
  timeProcess(process.execPath, importArgs, env);
  timeProcess(process.execPath, bareArgs, env);
  const first = await runRequests();
  console.log(`parsers compiled with new Function (init and both requests): ${first.compiled}${first.compiled ? ' — WARNING: a zod schema was built before z.config({ jitless: true })' : ' (zod jitless everywhere)'}`);
  const cold: number[] = [];
  const bare: number[] = [];
  const phases: number[][] = REQUESTS.map(() => []);
  const inProcessImport: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    cold.push(timeProcess(process.execPath, importArgs, env));
    bare.push(timeProcess(process.execPath, bareArgs, env));
    const { times } = await runRequests();
    inProcessImport.push(times[0]!);
    REQUESTS.forEach((_, j) => phases[j]!.push(times[j + 1]!));
  }
  const coldMs = median(cold);
  const nodeMs = median(bare);
  const ratio = coldMs / nodeMs;
  const importMs = median(inProcessImport);
  const reqMs = phases.map((p) => median(p));
  console.log(`cold import (node ${process.version}, no NODE_OPTIONS, ${RUNS} runs): median ${round(coldMs, 1)} ms [${cold.map((v) => Math.round(v)).join(' ')}]`);
  console.log(`bare node -e 0 (${RUNS} runs): median ${round(nodeMs, 1)} ms [${bare.map((v) => Math.round(v)).join(' ')}]`);
  console.log(`import cost over bare node: ${round(coldMs - nodeMs, 1)} ms`);
  console.log(`in one process (${RUNS} runs, medians): import ${round(importMs, 1)} ms` + REQUESTS.map((r, j) => `, then ${r.event.requestContext.http.method} ${r.event.rawPath} (${r.name}, answered ${first.statuses[j]}) ${round(reqMs[j]!, 1)} ms`).join(''));
  console.log(`init + first request: ${round(importMs + reqMs[0]!, 1)} ms; + the second route: ${round(importMs + reqMs[0]! + reqMs[1]!, 1)} ms`);
  summary('api-bench', {
    bundle_kb: round(kb(all), 1),
    gzip_kb: round(gzKb(all), 1),
    init_kb: round(kb(init), 1),
    cold_ms: round(coldMs, 1),
    node_ms: round(nodeMs, 1),
    import_ms: round(importMs, 1),
    first_req_ms: round(reqMs[0]!, 1),
    second_req_ms: round(reqMs[1]!, 1),
    ratio: round(ratio),
    target: `<=${TARGET_RATIO}`,
    met: ratio <= TARGET_RATIO,
    jitless: first.compiled === 0,
  });
} finally {
  await dynamo.close();
  rmSync(outDir, { recursive: true, force: true });
}
