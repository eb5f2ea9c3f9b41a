import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalDynamo } from '../../functions/src/adapters/dynamodb/local-dynalite.ts';
import { buildTestApp } from './support/synth-app.ts';

// dynalite's SDK client runs in this (Node 20) process.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const run = promisify(execFile);

/** An API Gateway HTTP API (payload 2.0) request, as the api function receives it. */
const httpEvent = (method: string, path: string, body?: unknown) => ({
  version: '2.0',
  routeKey: 'ANY /api/{proxy+}',
  rawPath: path,
  rawQueryString: '',
  headers: {
    host: 'abc123.execute-api.eu-west-1.amazonaws.com',
    'user-agent': 'bundle-test',
    accept: 'application/json',
    ...(body === undefined ? {} : { origin: 'https://admin.example.org', 'x-purelymanage-csrf': '1', 'content-type': 'application/json' }),
  },
  body: body === undefined ? undefined : JSON.stringify(body),
  requestContext: {
    accountId: '123456789012',
    apiId: 'abc123',
    domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
    domainPrefix: 'abc123',
    http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'bundle-test' },
    requestId: 'bundle-test',
    routeKey: 'ANY /api/{proxy+}',
    stage: '$default',
    time: '21/Nov/2026:06:00:00 +0000',
    timeEpoch: 1_795_000_000_000,
  },
  isBase64Encoded: false,
});

// Imports the bundle in a fresh Node process (as Lambda does) and calls its handler with each event.
const RUNNER = `
const [bundle, events] = [process.argv[2], JSON.parse(process.argv[3])];
const { handler } = await import(bundle);
const results = [];
for (const event of events) results.push(await handler(event, { awsRequestId: 'bundle-test', getRemainingTimeInMillis: () => 29000 }));
process.stdout.write(JSON.stringify(results));
`;

/** The files a cold start reads: the entry and, transitively, what it imports statically (not `import()`). */
function loadedAtInit(dir: string, entry = 'index.mjs', seen = new Set<string>()): Set<string> {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  const code = readFileSync(join(dir, entry), 'utf8');
  for (const [, spec] of code.matchAll(/(?:from|import)\s*"(\.\.?\/[^"]+)"/g)) loadedAtInit(dir, relative(dir, join(dir, dirname(entry), spec!)), seen);
  return seen;
}

/** A run id in the shape the api mints (run_ + lowercase alphanumerics) that no table holds. */
const UNKNOWN_RUN = 'run_0000nosuchrun0000';

/** An SQS batch as Lambda's event source mapping delivers it. */
const sqsBatch = (bodies: string[]) => ({
  Records: bodies.map((body, i) => ({
    messageId: `msg-${i}`,
    receiptHandle: `rh-${i}`,
    body,
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '1795000000000', SenderId: 'AIDAEXAMPLE', ApproximateFirstReceiveTimestamp: '1795000000001' },
    messageAttributes: {},
    md5OfBody: '0',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:jobs',
    awsRegion: 'eu-west-1',
  })),
});

/** EventBridge "ECS Task State Change" for a stopped task, with or without the RUN_ID override. */
const taskStopped = (runId?: string) => ({
  version: '0',
  id: 'evt-1',
  'detail-type': 'ECS Task State Change',
  source: 'aws.ecs',
  account: '123456789012',
  time: '2026-11-21T06:00:00Z',
  region: 'eu-west-1',
  resources: ['arn:aws:ecs:eu-west-1:123456789012:task/migrator/abc'],
  detail: {
    clusterArn: 'arn:aws:ecs:eu-west-1:123456789012:cluster/migrator',
    taskArn: 'arn:aws:ecs:eu-west-1:123456789012:task/migrator/abc',
    lastStatus: 'STOPPED',
    desiredStatus: 'STOPPED',
    stopCode: 'EssentialContainerExited',
    stoppedReason: 'Essential container in task exited',
    overrides: { containerOverrides: [{ name: 'migrator', environment: runId ? [{ name: 'RUN_ID', value: runId }] : [] }] },
  },
});

/** The function's environment from the template, CloudFormation tokens replaced by plausible values. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a template resource, as findResources types it
function envOf(fn: { [key: string]: any }): Record<string, string> {
  const render = (v: unknown): string => {
    if (typeof v === 'string') return v;
    const join = (v as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
    return join ? join[1].map(render).join(join[0]) : 'token0placeholder';
  };
  const vars = (fn.Properties?.Environment?.Variables ?? {}) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, render(v)]));
}

describe('synthesized Lambda bundles run in plain Node', () => {
  let assetDir: (logicalIdPrefix: string) => string;
  let templateEnv: (logicalIdPrefix: string) => Record<string, string>;
  let dynamo: Awaited<ReturnType<typeof startLocalDynamo>>;
  let runnerFile: string;

  beforeAll(async () => {
    const { app, stacks, outdir } = buildTestApp({
      bundle: true,
      nag: false,
      context: { 'aws:cdk:bundling-stacks': ['PurelyManage-prod-Api', 'PurelyManage-prod-Migrator'] },
    });
    app.synth();
    const functions = Object.entries({
      ...Template.fromStack(stacks.api).findResources('AWS::Lambda::Function'),
      ...Template.fromStack(stacks.migrator).findResources('AWS::Lambda::Function'),
    });
    const find = (prefix: string) => functions.find(([id]) => id.startsWith(prefix))![1];
    assetDir = (prefix) => join(outdir, `asset.${String(find(prefix).Properties.Code.S3Key).replace(/\.zip$/, '')}`);
    templateEnv = (prefix) => envOf(find(prefix));
    runnerFile = join(outdir, 'run-bundle.mjs');
    writeFileSync(runnerFile, RUNNER);
    dynamo = await startLocalDynamo({ tableName: 'pm-bundle-test' });
  });

  afterAll(async () => {
    await dynamo?.close();
  });

  const invoke = async (bundle: string, events: unknown[], fnEnv: Record<string, string> = {}): Promise<unknown[]> => {
    const { stdout } = await run(process.execPath, [runnerFile, join(bundle, 'index.mjs'), JSON.stringify(events)], {
      timeout: 60_000,
      env: {
        ...fnEnv,
        PATH: process.env.PATH,
        TABLE_NAME: 'pm-bundle-test',
        APP_ORIGIN: 'https://admin.example.org',
        APP_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:pm-app-AbCdEf',
        MAIL_FROM: 'notify@example.org',
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
        // Secrets Manager cannot run here: point it at a closed port so the token read fails fast.
        AWS_ENDPOINT_URL_SECRETS_MANAGER: 'http://127.0.0.1:9',
        // Nor SQS, ECS or Scheduler: a call to them fails at once instead of reaching AWS.
        AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:9',
        AWS_ENDPOINT_URL_ECS: 'http://127.0.0.1:9',
        AWS_ENDPOINT_URL_SCHEDULER: 'http://127.0.0.1:9',
        AWS_MAX_ATTEMPTS: '1',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        LOG_LEVEL: 'silent',
      },
    });
    return JSON.parse(stdout) as unknown[];
  };

  it('no function loads source maps at run time (NODE_OPTIONS unset), and every bundle file ships its map beside it for offline decoding', () => {
    for (const prefix of ['ApiFunction', 'ScheduledFunction', 'DispatchFunction']) {
      expect(templateEnv(prefix), prefix).not.toHaveProperty('NODE_OPTIONS');
      const files = readdirSync(assetDir(prefix), { recursive: true, encoding: 'utf8' });
      const js = files.filter((f) => f.endsWith('.mjs'));
      expect(js, prefix).toContain('index.mjs');
      expect(js.filter((f) => !files.includes(`${f}.map`)), `${prefix}: files without a map`).toEqual([]);
    }
  });

  it('the api bundle answers GET /api/setup/status from DynamoDB, and /api/health with a well-formed JSON body', async () => {
    const [status, health] = (await invoke(assetDir('ApiFunction'), [httpEvent('GET', '/api/setup/status'), httpEvent('GET', '/api/health')])) as {
      statusCode: number;
      headers: Record<string, string>;
      body: string;
    }[];
    expect(status!.statusCode).toBe(200);
    expect(JSON.parse(status!.body)).toEqual({ needsSetup: true });
    expect(status!.headers['content-type']).toMatch(/application\/json/);
    expect([200, 503]).toContain(health!.statusCode);
    expect(typeof (JSON.parse(health!.body) as { ok: unknown }).ok).toBe('boolean');
  });

  it('the scheduled bundle, with its template env, ignores a foreign event and skips a pending action that does not exist', async () => {
    const [ignored, pending] = await invoke(assetDir('ScheduledFunction'), [{ kind: 'not-a-job' }, { kind: 'pending-action', actionId: 'act_nosuchaction' }], {
      ...templateEnv('ScheduledFunction'),
      TABLE_NAME: 'pm-bundle-test',
    });
    expect(ignored).toMatchObject({ kind: 'ignored' });
    expect(pending).toEqual({ kind: 'pending-action', result: { actionId: 'act_nosuchaction', outcome: 'skipped' } });
  });

  it('the dispatch bundle, with its template env, takes an SQS batch and ECS task-stopped events without throwing', async () => {
    const env: Record<string, string> = { ...templateEnv('DispatchFunction'), TABLE_NAME: 'pm-bundle-test' };
    expect(env.MIGRATOR_SECURITY_GROUP_IDS).toBeDefined();
    const [batch, foreignTask, unknownRunTask] = (await invoke(
      assetDir('DispatchFunction'),
      [sqsBatch([UNKNOWN_RUN, 'not a run id']), taskStopped(), taskStopped(UNKNOWN_RUN)],
      env,
    )) as [{ batchItemFailures: { itemIdentifier: string }[] }, { handled: string }, { handled: string }];
    // The unknown run is acknowledged or reported failed (never the whole batch); the junk body is dropped.
    expect(batch).toHaveProperty('batchItemFailures');
    expect(batch.batchItemFailures.every((f) => f.itemIdentifier === 'msg-0')).toBe(true);
    expect(foreignTask).toEqual({ handled: 'not a migration task' });
    expect(unknownRunTask.handled).toContain(UNKNOWN_RUN);
  });

  it('the scheduled bundle runs a DNS tier (the DNS health capability)', async () => {
    const [tier] = (await invoke(assetDir('ScheduledFunction'), [{ kind: 'dns-tier' }], { ...templateEnv('ScheduledFunction'), TABLE_NAME: 'pm-bundle-test' })) as unknown[];
    // An empty table: nothing to add or check, and no error.
    expect(tier).toEqual({ kind: 'dns-tier', result: { added: [], removed: [], ownChecked: 0, escalated: [], rechecked: [], transitions: [] } });
  });

  it('the api bundle builds every capability at cold start and loads only heavy libraries used by few requests on first use', async () => {
    const dir = assetDir('ApiFunction');
    const all = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.mjs'));
    const atInit = loadedAtInit(dir);
    const holding = (text: string) => all.filter((f) => readFileSync(join(dir, f), 'utf8').includes(text));
    // Issue 16: no feature is loaded by its first request any more (the migration and DNS capabilities, the IMAP
    // login tester are built with the rest; imapflow itself loads on the first test, api-bundle-init.test.ts); csv-parse (its option max_record_size) and otpauth stay out of the cold start.
    for (const mark of ['max_record_size', 'otpauth://']) {
      expect(holding(mark).length, mark).toBeGreaterThan(0);
      expect(holding(mark).filter((f) => atInit.has(f)), `${mark}: loaded at cold start`).toEqual([]);
    }
    for (const mark of ['did not behave like an IMAP server', 'dns tier run']) expect(holding(mark).filter((f) => atInit.has(f)).length, `${mark}: built at cold start`).toBeGreaterThan(0);
    expect(atInit.has('index.mjs')).toBe(true);
    // Nor do they import these Node modules statically (they are imported where used). One exception that is not
    // ours: the AWS SDK's checksum module (@smithy/core, loaded at init by the DynamoDB client, which every request
    // uses) imports node:zlib for its CRC32 (about 2 ms); it is told apart by that CRC32.
    const sdkChecksum = (code: string) => code.includes('.crc32');
    for (const builtin of ['node:dns/promises', 'node:zlib']) {
      expect([...atInit].filter((f) => {
        const code = readFileSync(join(dir, f), 'utf8');
        return code.includes(`from"${builtin}"`) && !(builtin === 'node:zlib' && sdkChecksum(code));
      }), builtin).toEqual([]);
    }
    // A public campaign request: an unknown link is a 404.
    const [info] = (await invoke(dir, [httpEvent('POST', '/api/public/campaigns/info', { token: 'x'.repeat(43) })])) as { statusCode: number; body: string }[];
    expect(info!.statusCode).toBe(404);
    expect(JSON.parse(info!.body)).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
  });
});
