import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ScheduledEvent } from '../../../functions/src/adapters/scheduler/scheduled-event.ts';
import { RECURRING_JOBS } from '../../lib/constructs/action-scheduler.ts';
import { APP_PASSWORD_CONTEXT, CREDENTIALS_CONTEXT, HANDOVER_CONTEXT, MFA_CONTEXT } from '../../lib/constructs/migrator-task.ts';
import { APP_PASSWORD_SECRET_PURPOSE } from '../../../functions/src/modules/app-passwords/app-passwords.ts';
import { USER_HANDOVER_SECRET_PURPOSE } from '../../../functions/src/modules/user-handover/user-handover.ts';
import { MFA_SECRET_PURPOSE } from '../../../functions/src/modules/auth/mfa-secret-box.ts';
import { attachedStatements, statementsOfRole } from '../support/iam.ts';
import { buildTestApp } from '../support/synth-app.ts';

type Fn = { Properties: { Runtime: string; Architectures: string[]; Timeout: number; Environment: { Variables: Record<string, unknown> } } };

describe('api stack', () => {
  let template: Template;
  let functions: Record<string, Fn>;

  beforeAll(() => {
    template = Template.fromStack(buildTestApp({ nag: false }).stacks.api);
    functions = template.findResources('AWS::Lambda::Function') as Record<string, Fn>;
  });

  const fnNamed = (prefix: string) => Object.entries(functions).find(([id]) => id.startsWith(prefix))![1];

  it('runs the api and scheduled functions on the newest Node.js runtime, arm64, with their own log groups', () => {
    expect(Object.keys(functions).sort()).toEqual([expect.stringMatching(/^ApiFunction/), expect.stringMatching(/^ScheduledFunction/)]);
    for (const fn of Object.values(functions)) {
      expect(fn.Properties.Runtime).toBe('nodejs24.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
    }
    template.allResourcesProperties('AWS::Lambda::Function', { LoggingConfig: { LogGroup: Match.anyValue() } });
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: Match.anyValue() });
    expect(fnNamed('ApiFunction').Properties.Timeout).toBeLessThan(30);
  });

  it('configures functions with names and ARNs only, never secret values', () => {
    const api = fnNamed('ApiFunction').Properties.Environment.Variables;
    expect(Object.keys(api)).toEqual(
      expect.arrayContaining(['TABLE_NAME', 'APP_ORIGIN', 'APP_SECRET_ARN', 'MIGRATION_QUEUE_URL', 'MIGRATION_KMS_KEY_ID', 'MAIL_FROM', 'SCHEDULER_GROUP_NAME', 'SCHEDULER_ROLE_ARN', 'SCHEDULER_DLQ_ARN', 'SCHEDULED_FUNCTION_ARN']),
    );
    expect(api.MAIL_FROM).toBe('notify@purelymanage.test');
    expect(JSON.stringify(api.APP_ORIGIN)).toContain('https://');
    for (const fn of Object.values(functions)) expect(JSON.stringify(fn.Properties.Environment)).not.toContain('{{resolve:');
  });

  it('lets the api seal credentials (GenerateDataKey under the migration context) but never decrypt them; TOTP secrets and app passwords only under their own contexts', () => {
    const kms = statementsOfRole(template, 'ApiRole').filter((s) => s.actions.some((a) => a.startsWith('kms:')));
    expect(kms.map((s) => s.actions)).toEqual([['kms:GenerateDataKey'], ['kms:GenerateDataKey', 'kms:Decrypt'], ['kms:GenerateDataKey', 'kms:Decrypt'], ['kms:GenerateDataKey', 'kms:Decrypt']]);
    expect(kms[0]!.condition).toEqual({ StringEquals: { [CREDENTIALS_CONTEXT.key]: CREDENTIALS_CONTEXT.value } });
    // Issue 15: 2FA secrets are sealed at rest; the api opens them under the `admin-mfa` purpose and no other.
    expect(MFA_CONTEXT.value).toBe(MFA_SECRET_PURPOSE);
    expect(kms[1]!.condition).toEqual({ StringEquals: { [MFA_CONTEXT.key]: MFA_SECRET_PURPOSE } });
    // Issue 18: the app passwords the panel made, opened only to delete them at PurelyMail, under their own purpose.
    expect(APP_PASSWORD_CONTEXT.value).toBe(APP_PASSWORD_SECRET_PURPOSE);
    const appPasswords = { StringEquals: { [APP_PASSWORD_CONTEXT.key]: APP_PASSWORD_SECRET_PURPOSE } };
    expect(kms[2]!.condition).toEqual(appPasswords);
    // One-time hand-over links: the imported users' passwords, under their own purpose, by the api alone.
    expect(HANDOVER_CONTEXT.value).toBe(USER_HANDOVER_SECRET_PURPOSE);
    const handover = { StringEquals: { [HANDOVER_CONTEXT.key]: USER_HANDOVER_SECRET_PURPOSE } };
    expect(kms[3]!.condition).toEqual(handover);
    const decrypting = attachedStatements(template).filter((s) => s.actions.some((a) => a === 'kms:Decrypt' || a === 'kms:*' || a.startsWith('kms:ReEncrypt')));
    // No function of this stack may open migration credentials: the api's Decrypts are for TOTP secrets, app
    // passwords and hand-over links, the scheduled function's (the sweep) for app passwords only.
    const conditions = decrypting.map((s) => JSON.stringify(s.condition)).sort();
    expect(conditions).toEqual([JSON.stringify({ StringEquals: { [MFA_CONTEXT.key]: MFA_SECRET_PURPOSE } }), JSON.stringify(appPasswords), JSON.stringify(appPasswords), JSON.stringify(handover)].sort());
    expect(statementsOfRole(template, 'ApiRole').filter((s) => s.actions.includes('kms:Decrypt')).map((s) => s.condition)).toEqual([{ StringEquals: { [MFA_CONTEXT.key]: MFA_SECRET_PURPOSE } }, appPasswords, handover]);
    // Issue 19: a domain move's scheduled pass may re-create a job's migration app password: it seals (never opens)
    // the job's destination password, and seals the app password it keeps.
    expect(statementsOfRole(template, 'ScheduledRole').filter((s) => s.actions.some((a) => a.startsWith('kms:'))).map((s) => [s.actions, s.condition])).toEqual([
      [['kms:GenerateDataKey', 'kms:Decrypt'], appPasswords],
      [['kms:GenerateDataKey'], { StringEquals: { [CREDENTIALS_CONTEXT.key]: CREDENTIALS_CONTEXT.value } }],
    ]);
  });

  it('lets the scheduled function queue a domain move\'s delta runs: SendMessage to the migration queue, whose URL it is given', () => {
    const sqs = statementsOfRole(template, 'ScheduledRole').filter((s) => s.actions.some((a) => a.startsWith('sqs:')));
    const send = sqs.filter((s) => s.actions.includes('sqs:SendMessage')).map((s) => JSON.stringify(s.resources));
    // Its own failures to the shared dead-letter queue (as before), and the runs to the migration queue.
    expect(send).toHaveLength(2);
    expect(send.filter((r) => /JobsQueue\w*Arn/.test(r))).toHaveLength(1);
    expect(fnNamed('ScheduledFunction').Properties.Environment.Variables.MIGRATION_QUEUE_URL).toEqual(fnNamed('ApiFunction').Properties.Environment.Variables.MIGRATION_QUEUE_URL);
  });

  it('lets the api read the migrator log group\'s events (full run logs) and nothing else in CloudWatch Logs', () => {
    const logs = statementsOfRole(template, 'ApiRole').filter((s) => s.actions.some((a) => a.startsWith('logs:')));
    // Its own log group (writing), and reading exactly the migrator's group: the group ARN and its streams (`…:*`).
    expect(logs.map((s) => s.actions)).toEqual([['logs:CreateLogStream', 'logs:PutLogEvents'], ['logs:GetLogEvents']]);
    expect(logs[0]!.resources).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^ApiLogs/), 'Arn'] }]);
    const read = JSON.stringify(logs[1]!.resources);
    expect(logs[1]!.resources).toHaveLength(2);
    expect(read.match(/Fn::ImportValue/g)).toHaveLength(2);
    expect(read).toMatch(/:log-group:",\{"Fn::ImportValue":"PurelyManage-\w+-Migrator:ExportsOutputRefMigratorLogs/);
    expect(read).toMatch(/"Fn::ImportValue":"PurelyManage-\w+-Migrator:ExportsOutputFnGetAttMigratorLogs\w+Arn/);
    const api = fnNamed('ApiFunction').Properties.Environment.Variables;
    expect(api.MIGRATOR_LOG_STREAM_PREFIX).toBe('run/migrator');
    expect(api.MIGRATOR_LOG_GROUP_NAME).toEqual({ 'Fn::ImportValue': expect.stringMatching(/Migrator.*Logs/) });
  });

  it('gives the scheduler role a trust limited to this account and the right to invoke the scheduled function only', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'scheduler.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } })],
      },
    });
    const statements = statementsOfRole(template, 'SchedulerExecutionRole');
    const invoke = statements.filter((s) => s.actions.some((a) => a.startsWith('lambda:')));
    expect(invoke.flatMap((s) => s.actions)).toEqual(['lambda:InvokeFunction']);
    for (const r of invoke.flatMap((s) => s.resources)) expect(JSON.stringify(r)).toMatch(/"ScheduledFunction[0-9A-F]+","Arn"/);
    const other = statements.filter((s) => !invoke.includes(s));
    expect(other.flatMap((s) => s.actions).every((a) => a.startsWith('sqs:'))).toBe(true);
    // The app's shared DLQ, imported from the migrator stack.
    for (const r of other.flatMap((s) => s.resources)) expect(JSON.stringify(r)).toMatch(/Fn::ImportValue.*DeadLetters/);
  });

  it('has the schedule group, the shared DLQ, and the recurring jobs with inputs the scheduled function accepts', () => {
    template.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: 'purelymanage-prod-actions' });
    template.resourceCountIs('AWS::SQS::Queue', 0);
    const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule'));
    const inputs = schedules.map((s) => [s.Properties.ScheduleExpression, JSON.parse(s.Properties.Target.Input)] as [string, unknown]);
    expect(inputs.sort()).toEqual(
      [
        ['rate(5 minutes)', { kind: 'dns-tier' }],
        ['rate(15 minutes)', { kind: 'cache-refresh' }],
        ['rate(5 minutes)', { kind: 'sweep' }],
      ].sort(),
    );
    for (const [, input] of inputs) expect(ScheduledEvent.safeParse(input).success, JSON.stringify(input)).toBe(true);
    expect(schedules).toHaveLength(RECURRING_JOBS.length);
    template.allResourcesProperties('AWS::Scheduler::Schedule', {
      GroupName: Match.anyValue(),
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ScheduledFunction'), 'Arn'] }, DeadLetterConfig: Match.anyValue(), RetryPolicy: Match.anyValue() }),
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 2, DestinationConfig: { OnFailure: Match.anyValue() } });
  });

  it.each(['ApiRole', 'ScheduledRole'])('lets %s create and delete schedules in its group only, and pass the scheduler role', (role) => {
    const statements = statementsOfRole(template, role);
    const sched = statements.filter((s) => s.actions.some((a) => a.startsWith('scheduler:')));
    expect(sched.flatMap((s) => s.actions).sort()).toEqual(['scheduler:CreateSchedule', 'scheduler:DeleteSchedule', 'scheduler:UpdateSchedule']);
    for (const r of sched.flatMap((s) => s.resources)) expect(JSON.stringify(r)).toContain(':schedule/purelymanage-prod-actions/*');
    const pass = statements.filter((s) => s.actions.includes('iam:PassRole'));
    expect(pass.flatMap((s) => s.resources)).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^SchedulerExecutionRole/), 'Arn'] }]);
  });

  it('sends mail only from the sender identity', () => {
    const ses = attachedStatements(template).filter((s) => s.actions.some((a) => a.startsWith('ses:')));
    expect(ses.length).toBeGreaterThanOrEqual(2);
    for (const s of ses) {
      expect(s.actions.sort()).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
      expect(JSON.stringify(s.resources)).toContain(':identity/');
      expect(s.resources).not.toContain('*');
    }
  });

  it('routes /api/{proxy+} to the api function', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'ANY /api/{proxy+}' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', { IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
  });

  it('alarms on api errors and refused sign-ins only (the scheduled function\'s failures reach the shared DLQ, alarmed in the migrator stack)', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 2);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^ApiFunction') } }],
      AlarmActions: [Match.anyValue()],
      OKActions: [Match.anyValue()],
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { DestinationConfig: { OnFailure: { Destination: { 'Fn::ImportValue': Match.stringLikeRegexp('DeadLetters') } } } });
  });

  it('counts refused sign-ins from the api log (AS-5) and pages ops at 20 in 5 minutes', () => {
    template.resourceCountIs('AWS::Logs::MetricFilter', 1);
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: Match.stringLikeRegexp('^ApiLogs') },
      FilterPattern: '{ $.message = "sign-in refused" }',
      MetricTransformations: [{ MetricNamespace: 'PurelyManage', MetricName: 'RefusedSignIns', MetricValue: '1' }],
    });
    const topic = { 'Fn::ImportValue': Match.stringLikeRegexp('ExportsOutputRefAlarms') };
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'PurelyManage',
      MetricName: 'RefusedSignIns',
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 20,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [topic],
      OKActions: [topic],
    });
  });
});
