import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalDynamo } from '../../src/adapters/dynamodb/local-dynalite.ts';
import { makeScheduledHandler } from '../../src/entrypoints/scheduled.ts';
import { startSandbox, type Sandbox } from '../../src/local/purelymail-sandbox/sandbox-server.ts';
import { composeAwsApi } from '../../src/platform/composition/aws.ts';

const ORIGIN = 'https://panel.example.com';
const APP_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:app';
const FUNCTION_ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:scheduled';

/**
 * The AWS composition root as the Lambdas build it: a deletion request arms an EventBridge schedule whose
 * input the scheduled entry point turns into `executeDue`, and every admin gets an SES email.
 */
describe('AWS composition: pending actions on EventBridge Scheduler and SES', () => {
  let dynamo: Awaited<ReturnType<typeof startLocalDynamo>>;
  let sandbox: Sandbox;
  const scheduler = mockClient(SchedulerClient);
  const secrets = mockClient(SecretsManagerClient);
  const ses = mockClient(SESv2Client);
  let env: Record<string, string>;

  beforeAll(async () => {
    dynamo = await startLocalDynamo({ tableName: 'pm-aws-composition' });
    sandbox = await startSandbox({ token: 'aws-composition-token', seed: true });
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ purelymailToken: 'aws-composition-token', originVerify: 'ov' }) });
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
    env = {
      TABLE_NAME: 'pm-aws-composition',
      APP_ORIGIN: ORIGIN,
      APP_SECRET_ARN,
      PURELYMAIL_BASE_URL: sandbox.url,
      PASSWORD_SCRYPT_LOG_N: '12',
      LOG_LEVEL: 'silent',
      SCHEDULER_GROUP_NAME: 'purelymanage',
      SCHEDULED_FUNCTION_ARN: FUNCTION_ARN,
      SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/scheduler',
      SCHEDULER_DLQ_ARN: 'arn:aws:sqs:eu-west-1:123456789012:scheduler-dlq',
      MAIL_FROM: 'panel@example.com',
    };
    Object.assign(process.env, { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint });
  });
  afterAll(async () => {
    scheduler.restore();
    secrets.restore();
    ses.restore();
    await sandbox.close();
    await dynamo.close();
  });

  it('arms one schedule per request, mails each admin once, and the schedule input reaches executeDue', async () => {
    // Prepare
    const app = composeAwsApi(env);
    await app.stores.admins.create({ email: 'ops@example.com', name: 'Ops', role: 'owner', passwordHash: 'x', createdAt: new Date().toISOString(), lastLoginAt: null });
    await app.deps.refreshCache();
    // Act
    const { action } = await app.deps.users.requestDeletion('farid@northwind.example', 'ops@example.com');
    await app.deps.users.requestDeletion('farid@northwind.example', 'ops@example.com');
    // Assess: one schedule, named after the action, in our group, targeting the scheduled Lambda.
    const creates = scheduler.commandCalls(CreateScheduleCommand).map((c) => c.args[0].input);
    expect(creates).toHaveLength(1);
    expect(creates[0]).toMatchObject({ Name: action.id, GroupName: 'purelymanage', ActionAfterCompletion: 'DELETE', Target: { Arn: FUNCTION_ARN } });
    const mails = ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input);
    expect(mails.map((m) => m.Destination?.ToAddresses)).toEqual([['ops@example.com']]);
    expect(mails[0]!.Content?.Simple?.Body?.Text?.Data).toContain(`${ORIGIN}/pending`);

    // Act: EventBridge delivers the schedule's input to the scheduled Lambda (early, as a test can).
    const handle = makeScheduledHandler({ ...app.background, logger: app.deps.logger });
    const outcome = await handle(JSON.parse(creates[0]!.Target!.Input!));
    // Assess: executeDue ran and found it not yet due (so it re-armed the same schedule).
    expect(outcome).toEqual({ kind: 'pending-action', result: { actionId: action.id, outcome: 'not-due' } });
    expect(sandbox.requests().filter((r) => r.op === 'deleteUser')).toEqual([]);
  });
});
