import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalDynamo } from '../../functions/src/adapters/dynamodb/local-dynalite.ts';
import { buildTestApp } from './support/synth-app.ts';

// dynalite's SDK client runs in this (Node 20) process.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const run = promisify(execFile);

/** An API Gateway HTTP API (payload 2.0) request, as the api function receives it. */
const httpEvent = (method: string, path: string) => ({
  version: '2.0',
  routeKey: 'ANY /api/{proxy+}',
  rawPath: path,
  rawQueryString: '',
  headers: { host: 'abc123.execute-api.eu-west-1.amazonaws.com', 'user-agent': 'bundle-test', accept: 'application/json' },
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

describe('synthesized Lambda bundles run in plain Node', () => {
  let assetDir: (logicalIdPrefix: string) => string;
  let dynamo: Awaited<ReturnType<typeof startLocalDynamo>>;
  let runnerFile: string;

  beforeAll(async () => {
    const { app, stacks, outdir } = buildTestApp({ bundle: true, nag: false, context: { 'aws:cdk:bundling-stacks': ['PurelyManage-prod-Api'] } });
    app.synth();
    const template = Template.fromStack(stacks.api);
    const functions = template.findResources('AWS::Lambda::Function');
    assetDir = (prefix) => {
      const [, fn] = Object.entries(functions).find(([id]) => id.startsWith(prefix))!;
      return join(outdir, `asset.${String(fn.Properties.Code.S3Key).replace(/\.zip$/, '')}`);
    };
    runnerFile = join(outdir, 'run-bundle.mjs');
    writeFileSync(runnerFile, RUNNER);
    dynamo = await startLocalDynamo({ tableName: 'pm-bundle-test' });
  });

  afterAll(async () => {
    await dynamo?.close();
  });

  const invoke = async (bundle: string, events: unknown[]): Promise<unknown[]> => {
    const { stdout } = await run(process.execPath, [runnerFile, join(bundle, 'index.mjs'), JSON.stringify(events)], {
      timeout: 60_000,
      env: {
        PATH: process.env.PATH,
        NODE_OPTIONS: '--enable-source-maps',
        TABLE_NAME: 'pm-bundle-test',
        APP_ORIGIN: 'https://admin.example.org',
        PURELYMAIL_TOKEN_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:pm-token-AbCdEf',
        MAIL_FROM: 'notify@example.org',
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
        // Secrets Manager cannot run here: point it at a closed port so the token read fails fast.
        AWS_ENDPOINT_URL_SECRETS_MANAGER: 'http://127.0.0.1:9',
        AWS_MAX_ATTEMPTS: '1',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        LOG_LEVEL: 'silent',
      },
    });
    return JSON.parse(stdout) as unknown[];
  };

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

  it('the scheduled bundle loads, composes and ignores an event that is not one of ours', async () => {
    const [outcome] = await invoke(assetDir('ScheduledFunction'), [{ kind: 'not-a-job' }]);
    expect(outcome).toMatchObject({ kind: 'ignored' });
  });
});
