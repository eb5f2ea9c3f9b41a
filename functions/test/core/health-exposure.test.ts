import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalDynamo } from '../../src/adapters/dynamodb/local-dynalite.ts';
import { createApp } from '../../src/http/app.ts';
import { makeAdminCli } from '../../src/local/admin-cli-commands.ts';
import { composeAwsApi } from '../../src/platform/composition/aws.ts';
import { TEST_PASSWORD } from '../support/test-runtime.ts';

const ORIGIN = 'https://panel.example.com';
const ACCOUNT = '123456789012';
const APP_SECRET_ARN = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:purelymanage-app-AbCdEf`;

/**
 * `/api/health` on AWS right after the first deploy, while the app secret still holds the placeholder token: anyone
 * may call it (uptime monitors), so it must not hand out the secret's ARN, the account id or the command that sets
 * the token; the log and signed-in admins get that detail.
 */
describe('health while the PurelyMail token is not set (AWS composition)', () => {
  let dynamo: Awaited<ReturnType<typeof startLocalDynamo>>;
  const secrets = mockClient(SecretsManagerClient);
  const logs: string[] = [];
  let app: ReturnType<typeof createApp>;
  const write = process.stdout.write.bind(process.stdout);

  beforeAll(async () => {
    dynamo = await startLocalDynamo({ tableName: 'pm-health-exposure' });
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ purelymailToken: 'REPLACE_ME', originVerify: 'ov' }) });
    Object.assign(process.env, { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint });
    await makeAdminCli(dynamo.table, 12).create('ops@example.com', 'Ops', TEST_PASSWORD);
    // The JSON logger writes to stdout, as Lambda's does.
    process.stdout.write = ((chunk: string) => (logs.push(String(chunk)), true)) as typeof process.stdout.write;
    const { deps } = composeAwsApi({ TABLE_NAME: 'pm-health-exposure', APP_ORIGIN: ORIGIN, APP_SECRET_ARN, PASSWORD_SCRYPT_LOG_N: '12', MAIL_FROM: 'panel@example.com' });
    app = createApp(deps);
  });
  afterAll(async () => {
    process.stdout.write = write;
    secrets.restore();
    await dynamo.close();
  });

  it('tells anonymous callers only that PurelyMail is not configured', async () => {
    const res = await app.request('/api/health');
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ ok: false, store: 'ok', purelymail: 'not configured', mode: 'live' });
    for (const leak of [APP_SECRET_ARN, ACCOUNT, 'secretsmanager', 'put-secret-value', 'REPLACE_ME']) expect(text).not.toContain(leak);
  });

  it('logs the detail, with the command that sets the token', () => {
    const failing = logs.filter((l) => l.includes('health check failing'));
    expect(failing.length).toBeGreaterThan(0);
    expect(failing[0]).toContain(`aws secretsmanager put-secret-value --secret-id ${APP_SECRET_ARN}`);
  });

  it('gives signed-in admins the detail at /api/health/detail, and nobody else', async () => {
    expect((await app.request('/api/health/detail')).status).toBe(401);
    const login = await app.request('/api/auth/login', {
      method: 'POST',
      headers: { origin: ORIGIN, 'x-purelymanage-csrf': '1', 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ops@example.com', password: TEST_PASSWORD }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const detail = await app.request('/api/health/detail', { headers: { cookie } });
    expect(detail.status).toBe(503);
    const body = (await detail.json()) as { purelymail: string; store: string };
    expect(body.store).toBe('ok');
    expect(body.purelymail).toMatch(/^not configured: PurelyMail token not set in arn:aws:secretsmanager:.*put-secret-value/);
  });
});
