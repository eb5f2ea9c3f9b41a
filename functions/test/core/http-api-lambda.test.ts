import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import type { LambdaEvent } from 'hono/aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalDynamo } from '../../src/adapters/dynamodb/local-dynalite.ts';
import { makeAdminCli } from '../../src/local/admin-cli-commands.ts';
import { startSandbox, type Sandbox } from '../../src/local/purelymail-sandbox/sandbox-server.ts';
import { TEST_PASSWORD } from '../support/test-runtime.ts';

const ORIGIN = 'https://panel.example.com';
const APP_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:app';
const ORIGIN_VERIFY = 'origin-verify-value-from-the-secret';

/** An API Gateway HTTP API (payload v2) event, as the Lambda receives it. */
function event(method: string, path: string, opts: { body?: unknown; base64?: boolean; cookies?: string[]; headers?: Record<string, string> } = {}): LambdaEvent {
  const raw = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    cookies: opts.cookies,
    headers: {
      host: 'abc123.execute-api.eu-west-1.amazonaws.com',
      'user-agent': 'Mozilla/5.0 Chrome/156.0',
      ...(method !== 'GET' ? { origin: ORIGIN, 'x-purelymanage-csrf': '1' } : {}),
      ...(raw ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(raw)) } : {}),
      ...opts.headers,
    },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '198.51.100.7', userAgent: 'Mozilla/5.0 Chrome/156.0' },
      requestId: 'req-1',
      routeKey: '$default',
      stage: '$default',
      time: '21/Nov/2026:09:00:00 +0000',
      timeEpoch: 1_795_000_000_000,
    },
    body: raw === undefined ? undefined : opts.base64 ? Buffer.from(raw).toString('base64') : raw,
    isBase64Encoded: Boolean(opts.base64),
  } as unknown as LambdaEvent;
}

type Result = { statusCode: number; body: string; headers: Record<string, string>; cookies?: string[] };

// The Lambda entry point over the AWS composition root: dynalite stands in for DynamoDB (endpoint env),
// Secrets Manager is mocked (the token), PurelyMail is the sandbox over HTTP.
describe('http-api Lambda entry point', () => {
  let dynamo: Awaited<ReturnType<typeof startLocalDynamo>>;
  let sandbox: Sandbox;
  let handler: (e: LambdaEvent) => Promise<Result>;
  const secrets = mockClient(SecretsManagerClient);

  beforeAll(async () => {
    dynamo = await startLocalDynamo({ tableName: 'pm-lambda-test' });
    sandbox = await startSandbox({ token: 'lambda-sandbox-token' });
    // The app secret: the token ops set and CloudFront's origin-verify value, in one JSON string.
    secrets.on(GetSecretValueCommand, { SecretId: APP_SECRET_ARN }).resolves({ SecretString: JSON.stringify({ purelymailToken: 'lambda-sandbox-token', originVerify: ORIGIN_VERIFY }) });
    Object.assign(process.env, {
      TABLE_NAME: 'pm-lambda-test',
      APP_ORIGIN: ORIGIN,
      APP_SECRET_ARN,
      PURELYMAIL_BASE_URL: sandbox.url,
      PASSWORD_SCRYPT_LOG_N: '12',
      LOG_LEVEL: 'silent',
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      // As the Api stack sets them: what SES lets the functions send from, and the extra IMAP port the tasks reach.
      MAIL_FROM_IDENTITIES: 'panel.example.com,alerts@other.example.net',
      MIGRATION_EXTRA_IMAP_PORTS: '2993',
    });
    await makeAdminCli(dynamo.table, 12).create('ops@example.com', 'Ops', TEST_PASSWORD);
    handler = (await import('../../src/entrypoints/http-api.ts')).handler as unknown as typeof handler;
  });
  afterAll(async () => {
    secrets.restore();
    await sandbox.close();
    await dynamo.close();
  });

  it('answers a GET with JSON and the security headers', async () => {
    const res = await handler(event('GET', '/api/setup/status'));
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ needsSetup: false });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('decodes a base64 body, sets the session as a v2 cookie, and reads it back from event.cookies', async () => {
    const login = await handler(event('POST', '/api/auth/login', { body: { email: 'ops@example.com', password: TEST_PASSWORD }, base64: true }));
    expect(login.statusCode).toBe(200);
    expect(login.cookies).toHaveLength(1);
    const cookie = login.cookies![0]!.split(';')[0]!;
    expect(cookie).toMatch(/^__Host-pm_sid=/);
    const me = await handler(event('GET', '/api/auth/me', { cookies: [cookie, 'theme=dark'] }));
    expect(me.statusCode).toBe(200);
    expect(JSON.parse(me.body).admin.email).toBe('ops@example.com');
    const sessions = JSON.parse((await handler(event('GET', '/api/sessions', { cookies: [cookie] }))).body);
    // Without CloudFront's secret header, the IP is API Gateway's view of the client; spoofed headers are ignored.
    expect(sessions.sessions[0].ip).toBe('198.51.100.7');
  });

  it('turns bad input into a 4xx and an upstream outage into a 503, never a stack trace', async () => {
    const bad = await handler(event('POST', '/api/auth/login', { body: { email: 'ops@example.com' } }));
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(bad.body).error.fields).toEqual([{ path: 'password', message: 'is required' }]);

    const login = await handler(event('POST', '/api/auth/login', { body: { email: 'ops@example.com', password: TEST_PASSWORD } }));
    const cookie = login.cookies![0]!.split(';')[0]!;
    sandbox.injectFault({ op: 'listUser', status: 502, count: 50 });
    const down = await handler(event('POST', '/api/sync', { cookies: [cookie] }));
    expect(down.statusCode).toBe(503);
    const body = JSON.parse(down.body);
    expect(body.error.code).toBe('purelymail_unavailable');
    expect(body.error.requestId).toBeTruthy();
    expect(down.body).not.toContain('lambda-sandbox-token');
    sandbox.clearFaults();
  });

  it("trusts CloudFront's viewer address only with the origin-verify value from the app secret", async () => {
    const viaCloudFront = (verify: string) => ({ 'cloudfront-viewer-address': '203.0.113.9:51234', 'x-origin-verify': verify });
    const ipAfterLogin = async (headers: Record<string, string>) => {
      const login = await handler(event('POST', '/api/auth/login', { body: { email: 'ops@example.com', password: TEST_PASSWORD }, headers }));
      const cookie = login.cookies![0]!.split(';')[0]!;
      const { sessions } = JSON.parse((await handler(event('GET', '/api/sessions', { cookies: [cookie] }))).body) as { sessions: { ip: string; current?: boolean }[] };
      return (sessions.find((x) => x.current) ?? sessions[0]!).ip;
    };
    expect(await ipAfterLogin(viaCloudFront(ORIGIN_VERIFY))).toBe('203.0.113.9');
    expect(await ipAfterLogin(viaCloudFront('guessed-value'))).toBe('198.51.100.7');
  });

  it('read the app secret once for both the PurelyMail token and the origin-verify value', () => {
    expect(secrets.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input.SecretId)).toEqual([APP_SECRET_ARN]);
  });

  const signIn = async () => {
    const login = await handler(event('POST', '/api/auth/login', { body: { email: 'ops@example.com', password: TEST_PASSWORD } }));
    return login.cookies![0]!.split(';')[0]!;
  };

  it('refuses a Settings sender SES would not let the deployment send from, saying how to allow it', async () => {
    const cookie = await signIn();
    const put = (from: string, version: number) => handler(event('PUT', '/api/notifications/settings', { cookies: [cookie], body: { from, version } }));
    const refused = await put('ops@elsewhere.example.org', 0);
    expect(refused.statusCode).toBe(400);
    const error = JSON.parse(refused.body).error as { message: string; fields: { path: string }[] };
    expect(error.message).toContain('This deployment cannot send from ops@elsewhere.example.org');
    expect(error.message).toContain('-c extraSenderIdentities=elsewhere.example.org');
    expect(error.fields.map((f) => f.path)).toEqual(['from']);
    // Any address at a verified domain, or a verified address, is accepted.
    expect((await put('alerts@panel.example.com', 0)).statusCode).toBe(200);
    expect((await put('alerts@other.example.net', 1)).statusCode).toBe(200);
    expect((await put('someone@other.example.net', 2)).statusCode).toBe(400);
  });

  it('refuses an IMAP server on a port the deployment does not open, saying how to open it', async () => {
    const cookie = await signIn();
    const save = (port: number) => handler(event('POST', '/api/migrations/servers', { cookies: [cookie], body: { name: `Public ${port}`, host: '8.8.8.8', port, tls: 'ssl' } }));
    const refused = await save(1143);
    expect(refused.statusCode).toBe(400);
    const error = JSON.parse(refused.body).error as { message: string; fields: { path: string }[] };
    expect(error.message).toContain('Port 1143 is not open to IMAP servers in this deployment (it allows 143, 993, 2993)');
    expect(error.message).toContain('-c extraImapPorts=1143');
    expect(error.fields.map((f) => f.path)).toEqual(['port']);
    expect((await save(2993)).statusCode).toBe(201);
    expect((await save(993)).statusCode).toBe(201);
  });

  it('refuses a cross-origin state change', async () => {
    const res = await handler(event('POST', '/api/auth/login', { body: { email: 'ops@example.com', password: TEST_PASSWORD }, headers: { origin: 'https://evil.example' } }));
    expect(res.statusCode).toBe(403);
  });
});
