/**
 * `npm run bench:api`: the api Lambda's cold start as an admin feels it, beside the least a Hono api on Lambda
 * with DynamoDB costs, both measured in this run.
 *
 * - The api bundle is built by esbuild with exactly the options the CDK uses (infra/lib/constructs/
 *   lambda-build-options.ts, imported, and checked to be what app-function.ts calls). Its size: all JavaScript,
 *   and what a cold start loads (`index.mjs` and the chunks it imports statically).
 * - The figure: CPU time (user + sys) of one fresh process from its start, through the import of the bundle,
 *   to the end of the three requests a signed-in dashboard load makes (`GET /api/auth/me`, `/api/dashboard`,
 *   `/api/users`, in turn, as API Gateway v2 events with the session cookie). CPU, not wall time: it is what
 *   Lambda bills and throttles by memory size, and it is steadier than wall time on a shared machine.
 * - The baseline: bench/baseline-api.ts (Hono, `@aws-sdk/lib-dynamodb`, one route with one GetItem) bundled with
 *   the same options and timed the same way: a fresh process, import, then its route three times.
 * - Target: the api ≤ 2 × the baseline (median of the runs, interleaved so both see the same machine load).
 *
 * Against: dynalite (DynamoDB) and the PurelyMail sandbox over real HTTP on loopback, and a stand-in for
 * Secrets Manager's GetSecretValue (the app secret) on loopback. The admin, their session and the users cache are
 * written before the timed runs through the app's own code, so every timed request answers 200 from the table.
 * Both processes run without NODE_OPTIONS, as on Lambda (source maps are written but not loaded).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { CSRF_HEADER } from '@app/shared';
import { build, type Metafile } from 'esbuild';
import { LAMBDA_ENTRY_FILE, lambdaBuildOptions } from '../infra/lib/constructs/lambda-build-options.ts';
import { startLocalDynamo } from '../functions/src/adapters/dynamodb/local-dynalite.ts';
import { startSandbox } from '../functions/src/local/purelymail-sandbox/sandbox-server.ts';
import { createApp } from '../functions/src/http/app.ts';
import { composeAwsApi } from '../functions/src/platform/composition/aws.ts';
import { BASELINE_KEY } from './baseline-api.ts';
import { median, ROOT, round, summary } from './lib.ts';

// A cold start here varies by ±10 % from run to run (a shared 2-core machine): the median of 15 per side.
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const TARGET_RATIO = 2;
const APP_ORIGIN = 'https://panel.bench.example';
const TABLE = 'pm-bench-api';
const APP_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:bench-app';
const PURELYMAIL_TOKEN = 'bench-purelymail-token';

// The construct must build with these options, or this bench measures something else.
const infra = readFileSync(join(ROOT, 'infra/lib/constructs/app-function.ts'), 'utf8');
if (!infra.includes('lambdaBuildOptions(') || infra.includes('NODE_OPTIONS') || !infra.includes('LAMBDA_ENTRY_FILE')) {
  console.warn('warning: infra/lib/constructs/app-function.ts no longer bundles with lambdaBuildOptions, or now sets NODE_OPTIONS; update bench/api-bundle.ts to match');
}

/** An API Gateway HTTP API (payload 2.0) GET, as the function receives it, with the browser's cookies. */
function httpGet(path: string, cookies: string[] = []) {
  return {
    version: '2.0',
    routeKey: 'ANY /api/{proxy+}',
    rawPath: path,
    rawQueryString: '',
    cookies,
    headers: { host: 'abc123.execute-api.eu-west-1.amazonaws.com', 'user-agent': 'bench', accept: 'application/json' },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'bench' },
      requestId: 'bench',
      routeKey: 'ANY /api/{proxy+}',
      stage: '$default',
      time: '21/Nov/2026:06:00:00 +0000',
      timeEpoch: 1_795_000_000_000,
    },
    isBase64Encoded: false,
  };
}

// One process per run, as Lambda starts one: import (init), then each request in turn. It reports its own CPU
// time since the process started (Node's bootstrap included, as on Lambda) and its wall time, and every status.
const RUNNER = `
const [url, events] = [process.argv[2], JSON.parse(process.argv[3])];
const { handler } = await import(url);
const importMs = performance.now();
const atInit = process.cpuUsage();
const statuses = [];
for (const event of events) {
  const res = await handler(event, { awsRequestId: 'bench', functionName: 'bench-api', getRemainingTimeInMillis: () => 29000 });
  statuses.push(res.statusCode);
}
const cpu = process.cpuUsage();
process.stdout.write(JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, initCpuMs: (atInit.user + atInit.system) / 1000, wallMs: performance.now(), importMs, statuses }));
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

const kb = (b: Buffer) => b.length / 1024;
const gzKb = (b: Buffer) => gzipSync(b, { level: 9 }).length / 1024;

/** Builds one entry as the CDK does; its sizes in all and at init, and the file Lambda loads. */
async function bundle(entry: string, outDir: string) {
  const result = await build({ ...lambdaBuildOptions(entry, outDir), absWorkingDir: '/' });
  const metafile = result.metafile;
  // Output paths in the metafile are relative to the working directory; make them absolute.
  const abs = (p: string) => (p.startsWith('/') ? p : `/${p}`);
  const js = Object.keys(metafile.outputs).filter((p) => p.endsWith('.mjs'));
  const entryOut = js.find((p) => abs(p) === join(outDir, LAMBDA_ENTRY_FILE))!;
  const initial = initialOutputs(metafile, entryOut);
  const bytesOf = (ps: Iterable<string>) => Buffer.concat([...ps].map((p) => readFileSync(abs(p))));
  return { metafile, js, initial, all: bytesOf(js), init: bytesOf(initial), url: pathToFileURL(join(outDir, LAMBDA_ENTRY_FILE)).href };
}

/** A stand-in for Secrets Manager's GetSecretValue (JSON 1.1 over HTTP), answering the app secret. */
async function startSecretsManager(secretString: string): Promise<{ endpoint: string; reads: () => number; server: Server }> {
  let reads = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      reads++;
      if (req.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue') {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ __type: 'InvalidRequestException', message: 'only GetSecretValue' }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ ARN: APP_SECRET_ARN, Name: 'bench-app', VersionId: 'v1', SecretString: secretString, CreatedDate: 1_795_000_000 }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, reads: () => reads, server };
}

// Lambda runs Node 24; the SDK's "Node 20 is going away" warning is this machine's, not the function's.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const outDir = mkdtempSync(join(tmpdir(), 'pm-bench-api-'));
const dynamo = await startLocalDynamo({ tableName: TABLE });
const sandbox = await startSandbox({ token: PURELYMAIL_TOKEN, seed: true });
const secrets = await startSecretsManager(JSON.stringify({ purelymailToken: PURELYMAIL_TOKEN, originVerify: 'bench-origin-verify' }));
try {
  const t0 = performance.now();
  const [api, base] = await Promise.all([bundle(join(ROOT, 'functions/src/entrypoints/http-api.ts'), join(outDir, 'api')), bundle(join(ROOT, 'bench/baseline-api.ts'), join(outDir, 'baseline'))]);
  console.log(`built in ${Math.round(performance.now() - t0)} ms: api ${api.js.length} files (${api.initial.size} loaded at init), baseline ${base.js.length} files`);
  console.log(`api loaded at init, largest parts (kB, minified): ${largestParts(api.metafile, api.initial, 10)}`);
  console.log(`api loaded on demand, largest parts (kB, minified): ${largestParts(api.metafile, api.js.filter((p) => !api.initial.has(p)), 10)}`);
  console.log(`api size: ${round(kb(api.all), 1)} kB raw, ${round(gzKb(api.all), 1)} kB gzip (level 9) in all; loaded at init ${round(kb(api.init), 1)} kB raw, ${round(gzKb(api.init), 1)} kB gzip`);
  console.log(`baseline size: ${round(kb(base.all), 1)} kB raw, ${round(gzKb(base.all), 1)} kB gzip`);

  // What Lambda sets, plus every variable the api stack sets on the function (infra/lib/stacks/api-stack.ts;
  // infra/test/function-env checks that list), so configuration is read and validated as on AWS. Services that
  // must not be reached from here (SQS, KMS, Scheduler) are a closed port: no dashboard request calls them.
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_LAMBDA_FUNCTION_NAME: 'bench-api',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_MAX_ATTEMPTS: '1',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:9',
    AWS_ENDPOINT_URL_KMS: 'http://127.0.0.1:9',
    AWS_ENDPOINT_URL_SCHEDULER: 'http://127.0.0.1:9',
    TABLE_NAME: TABLE,
    APP_ORIGIN,
    APP_SECRET_ARN,
    MAIL_FROM: 'notify@bench.example',
    MIGRATION_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/pm-bench-jobs',
    MIGRATION_KMS_KEY_ID: 'arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000',
    MIGRATOR_LOG_GROUP_NAME: '/pm-bench/migrator',
    MIGRATOR_LOG_STREAM_PREFIX: 'run/migrator',
    SCHEDULER_GROUP_NAME: 'pm-bench-actions',
    SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/pm-bench-scheduler',
    SCHEDULER_DLQ_ARN: 'arn:aws:sqs:eu-west-1:123456789012:pm-bench-dlq',
    SCHEDULED_FUNCTION_ARN: 'arn:aws:lambda:eu-west-1:123456789012:function:pm-bench-scheduled',
    // Not set by the stack: PurelyMail is the sandbox on loopback, and the output stays readable.
    PURELYMAIL_BASE_URL: sandbox.url,
    LOG_LEVEL: 'silent',
  };

  // The signed-in state, written through the app's own code: the first owner (setup, as the SPA does it, which
  // also starts their session) and the users cache from PurelyMail, as the scheduled refresh would leave it.
  Object.assign(process.env, env);
  const app = composeAwsApi(env);
  const setupToken = await app.deps.auth.issueSetupToken();
  const setup = await createApp(app.deps).request('/api/setup', {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: APP_ORIGIN, [CSRF_HEADER]: '1' },
    body: JSON.stringify({ token: setupToken, email: 'owner@bench.example', name: 'Bench Owner', password: 'correct horse battery staple 42' }),
  });
  if (setup.status !== 201) throw new Error(`setup failed: ${setup.status} ${await setup.text()}`);
  const cookie = setup.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith('__Host-'));
  if (!cookie) throw new Error('setup set no session cookie');
  await app.deps.refreshCache();
  await DynamoDBDocumentClient.from(new DynamoDBClient({})).send(new PutCommand({ TableName: TABLE, Item: { ...BASELINE_KEY, note: 'read by bench/baseline-api.ts' } }));

  const DASHBOARD = ['/api/auth/me', '/api/dashboard', '/api/users'];
  const apiEvents = DASHBOARD.map((path) => httpGet(path, [cookie]));
  const baseEvents = DASHBOARD.map(() => httpGet('/api/item'));
  const runnerFile = join(outDir, 'run-requests.mjs');
  writeFileSync(runnerFile, RUNNER);
  type Run = { cpuMs: number; initCpuMs: number; wallMs: number; importMs: number; statuses: number[] };
  // Not spawnSync: dynalite, the sandbox and the secret answer from this process, so its event loop must run.
  const run = async (url: string, events: unknown[]): Promise<Run> => {
    const { stdout } = await promisify(execFile)(process.execPath, [runnerFile, url, JSON.stringify(events)], { env, encoding: 'utf8', timeout: 60_000 });
    const r = JSON.parse(stdout) as Run;
    if (r.statuses.some((s) => s !== 200)) throw new Error(`${url === api.url ? 'api' : 'baseline'} answered ${r.statuses.join(', ')} (every request must answer 200, or this measures an error path)`);
    return r;
  };
  // One untimed run of each: the file cache, not the first spawn, is what we don't want to measure.
  await run(api.url, apiEvents);
  await run(base.url, baseEvents);
  const purelymailBefore = sandbox.requests().length;
  const secretReadsBefore = secrets.reads();
  const apiRuns: Run[] = [];
  const baseRuns: Run[] = [];
  const loadBefore = loadavg()[0]!;
  for (let i = 0; i < RUNS; i++) {
    apiRuns.push(await run(api.url, apiEvents));
    baseRuns.push(await run(base.url, baseEvents));
  }
  const loadAfter = loadavg()[0]!;
  const purelymailCalls = sandbox.requests().length - purelymailBefore;
  const of = (runs: Run[], k: 'cpuMs' | 'initCpuMs' | 'wallMs' | 'importMs') => median(runs.map((r) => r[k]));
  const cpuMs = of(apiRuns, 'cpuMs');
  const baseCpuMs = of(baseRuns, 'cpuMs');
  const ratio = cpuMs / baseCpuMs;
  const list = (runs: Run[]) => runs.map((r) => Math.round(r.cpuMs)).join(' ');
  console.log(`node ${process.version}, ${RUNS} runs each, interleaved; load average ${round(loadBefore, 1)} → ${round(loadAfter, 1)}`);
  console.log(`api: GET ${DASHBOARD.join(', ')} with the session cookie, each 200; PurelyMail calls during the timed runs: ${purelymailCalls}; app secret reads: ${secrets.reads() - secretReadsBefore} (read in the background at cold start; a process may exit before its read goes out)`);
  console.log(`api cold dashboard load, CPU (user+sys) from process start: median ${round(cpuMs, 1)} ms [${list(apiRuns)}]; wall ${round(of(apiRuns, 'wallMs'), 1)} ms, of which import ${round(of(apiRuns, 'importMs'), 1)} ms`);
  console.log(`baseline (Hono + lib-dynamodb, GET /api/item × 3, one GetItem each), CPU: median ${round(baseCpuMs, 1)} ms [${list(baseRuns)}]; wall ${round(of(baseRuns, 'wallMs'), 1)} ms, of which import ${round(of(baseRuns, 'importMs'), 1)} ms`);
  // Lambda gives a function CPU in proportion to its memory (one vCPU at 1,769 MB), and the init phase more than a
  // small function's invocations get: the requests' CPU after init is what the memory size stretches.
  const requestsCpuMs = median(apiRuns.map((r) => r.cpuMs - r.initCpuMs));
  console.log(`api CPU: ${round(of(apiRuns, 'initCpuMs'), 1)} ms through init (node's start and the import), ${round(requestsCpuMs, 1)} ms for the three requests`);
  console.log(`the three requests' CPU at a Lambda memory size (CPU share = MB / 1769, this machine's CPU as one vCPU): ${[512, 1024, 1769].map((mb) => `${mb} MB ≈ ${Math.round((requestsCpuMs * 1769) / mb)} ms`).join(', ')}`);
  console.log(`ratio ${round(ratio)}x (target ≤ ${TARGET_RATIO}x): ${ratio <= TARGET_RATIO ? 'met' : 'NOT met'}; the api costs ${round(cpuMs - baseCpuMs, 1)} ms CPU more than the baseline`);
  summary('api-bench', {
    bundle_kb: round(kb(api.all), 1),
    gzip_kb: round(gzKb(api.all), 1),
    init_kb: round(kb(api.init), 1),
    baseline_kb: round(kb(base.all), 1),
    cpu_ms: round(cpuMs, 1),
    requests_cpu_ms: round(requestsCpuMs, 1),
    baseline_cpu_ms: round(baseCpuMs, 1),
    wall_ms: round(of(apiRuns, 'wallMs'), 1),
    baseline_wall_ms: round(of(baseRuns, 'wallMs'), 1),
    ratio: round(ratio),
    target: `<=${TARGET_RATIO}`,
    met: ratio <= TARGET_RATIO,
  });
} finally {
  await new Promise((r) => secrets.server.close(r));
  await sandbox.close();
  await dynamo.close();
  rmSync(outDir, { recursive: true, force: true });
}
