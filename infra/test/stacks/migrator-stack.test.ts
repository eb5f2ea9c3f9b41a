import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { CREDENTIALS_CONTEXT, MIGRATOR_CONTAINER_NAME } from '../../lib/constructs/migrator-task.ts';
import { DISPATCH_TIMEOUT, SWEEP_EVERY } from '../../lib/stacks/migrator-stack.ts';
import { attachedStatements, statementsOfRole } from '../support/iam.ts';
import { buildTestApp } from '../support/synth-app.ts';

describe('migrator stack', () => {
  let template: Template;
  let others: Template[];
  let insightsOn: Template;

  beforeAll(() => {
    const { stacks } = buildTestApp({ nag: false });
    template = Template.fromStack(stacks.migrator);
    others = [stacks.data, stacks.web, stacks.api].map((s) => Template.fromStack(s));
    insightsOn = Template.fromStack(buildTestApp({ nag: false, context: { containerInsights: 'true' } }).stacks.migrator);
  });

  it('alarms on failed migration runs (from the worker log) and on Lambda throttles account-wide', () => {
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ ($.message = "run finished") && ($.state = "failed") }',
      MetricTransformations: [{ MetricNamespace: 'PurelyManage', MetricName: 'FailedMigrationRuns', MetricValue: '1' }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'FailedMigrationRuns', Namespace: 'PurelyManage', Threshold: 1 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Throttles', Namespace: 'AWS/Lambda', Threshold: 1 });
  });

  it('runs tasks in two public subnets with no NAT gateway and no private subnet', () => {
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::Subnet', 2);
    template.allResourcesProperties('AWS::EC2::Subnet', { MapPublicIpOnLaunch: true });
    template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'REJECT' });
  });

  it('gives tasks a security group with no inbound rule', () => {
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
    for (const sg of Object.values(template.findResources('AWS::EC2::SecurityGroup'))) expect(sg.Properties.SecurityGroupIngress).toBeUndefined();
  });

  /** The task security group's egress as "proto port cidr" strings (inline rules and separate egress resources). */
  const egressOf = (t: Template): string[] => {
    const groups = Object.values(t.findResources('AWS::EC2::SecurityGroup')).filter((g) => String(g.Properties.GroupDescription).startsWith('Migration tasks'));
    expect(groups).toHaveLength(1);
    const rules = [...(groups[0]!.Properties.SecurityGroupEgress ?? []), ...Object.values(t.findResources('AWS::EC2::SecurityGroupEgress')).map((r) => r.Properties)] as Record<string, unknown>[];
    return rules.map((r) => `${r.IpProtocol} ${r.FromPort === r.ToPort ? r.FromPort : `${r.FromPort}-${r.ToPort}`} ${r.CidrIp ?? r.CidrIpv6 ?? JSON.stringify(r.DestinationSecurityGroupId)}`).sort();
  };

  it('lets tasks reach IMAP (143, 993) and HTTPS only, not every port (SECURITY.md promises IMAP only)', () => {
    expect(egressOf(template)).toEqual(['tcp 143 0.0.0.0/0', 'tcp 443 0.0.0.0/0', 'tcp 993 0.0.0.0/0']);
  });

  it('opens the extra IMAP ports a deployment lists, and tells the worker and the api (the server form checks them)', () => {
    const { stacks } = buildTestApp({ nag: false, context: { extraImapPorts: '1143,2993' } });
    const migrator = Template.fromStack(stacks.migrator);
    expect(egressOf(migrator)).toEqual(['tcp 1143 0.0.0.0/0', 'tcp 143 0.0.0.0/0', 'tcp 2993 0.0.0.0/0', 'tcp 443 0.0.0.0/0', 'tcp 993 0.0.0.0/0']);
    const [task] = Object.values(migrator.findResources('AWS::ECS::TaskDefinition'));
    expect(task!.Properties.ContainerDefinitions[0].Environment).toContainEqual({ Name: 'MIGRATION_EXTRA_IMAP_PORTS', Value: '1143,2993' });
    const api = Object.entries(Template.fromStack(stacks.api).findResources('AWS::Lambda::Function')).find(([id]) => id.startsWith('ApiFunction'))![1];
    expect(api.Properties.Environment.Variables.MIGRATION_EXTRA_IMAP_PORTS).toBe('1143,2993');
  });

  it('builds the x86_64 image and task when asked (no QEMU on an x86 deployer), and only then may use Fargate Spot', () => {
    // What `cdk deploy` asks Docker to build: the image asset's platform in the cloud assembly's asset manifest.
    const platformOf = (outdir: string, app: { synth(): unknown }) => {
      app.synth();
      const manifest = JSON.parse(readFileSync(join(outdir, 'PurelyManage-prod-Migrator.assets.json'), 'utf8')) as { dockerImages: Record<string, { source: { platform?: string } }> };
      return Object.values(manifest.dockerImages).map((i) => i.source.platform);
    };
    const arm = buildTestApp({ nag: false });
    expect(platformOf(arm.outdir, arm.app)).toEqual(['linux/arm64']);
    const x86 = buildTestApp({ nag: false, context: { migratorArchitecture: 'x86_64', migratorSpot: 'true' } });
    expect(platformOf(x86.outdir, x86.app)).toEqual(['linux/amd64']);
    const t = Template.fromStack(x86.stacks.migrator);
    t.hasResourceProperties('AWS::ECS::TaskDefinition', { RuntimePlatform: { CpuArchitecture: 'X86_64', OperatingSystemFamily: 'LINUX' } });
    const dispatch = Object.entries(t.findResources('AWS::Lambda::Function')).find(([id]) => id.startsWith('DispatchFunction'))![1];
    expect(dispatch.Properties.Environment.Variables).toMatchObject({ MIGRATOR_CPU_ARCHITECTURE: 'X86_64', MIGRATOR_CAPACITY_PROVIDER: 'FARGATE_SPOT' });
    // The default (on-demand) sends no capacity provider and names the architecture the dispatcher checks Spot against.
    const armDispatch = Object.entries(template.findResources('AWS::Lambda::Function')).find(([id]) => id.startsWith('DispatchFunction'))![1];
    expect(armDispatch.Properties.Environment.Variables.MIGRATOR_CPU_ARCHITECTURE).toBe('ARM64');
    expect(armDispatch.Properties.Environment.Variables.MIGRATOR_CAPACITY_PROVIDER).toBeUndefined();
    expect(() => buildTestApp({ nag: false, context: { migratorArchitecture: 'arm64', migratorSpot: 'true' } })).toThrow(/Fargate Spot cannot run arm64 tasks/);
  });

  it('has Container Insights off by default (cost) and on with -c containerInsights=true', () => {
    template.hasResourceProperties('AWS::ECS::Cluster', { ClusterSettings: [{ Name: 'containerInsights', Value: 'disabled' }] });
    insightsOn.hasResourceProperties('AWS::ECS::Cluster', { ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }] });
  });

  it('defines an arm64 Fargate task: logs with retention, 120 s stop timeout, init process, no secrets in env', () => {
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      RequiresCompatibilities: ['FARGATE'],
      RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
      Cpu: '512',
      Memory: '2048',
      ContainerDefinitions: [
        Match.objectLike({
          Name: MIGRATOR_CONTAINER_NAME,
          StopTimeout: 120,
          LinuxParameters: { InitProcessEnabled: true },
          LogConfiguration: Match.objectLike({ LogDriver: 'awslogs' }),
          Environment: Match.arrayWith([Match.objectLike({ Name: 'TABLE_NAME' })]),
        }),
      ],
    });
    const [task] = Object.values(template.findResources('AWS::ECS::TaskDefinition'));
    const env = (task!.Properties.ContainerDefinitions[0].Environment as { Name: string }[]).map((e) => e.Name);
    expect(env.filter((n) => /PASS|SECRET|TOKEN/i.test(n))).toEqual([]);
    expect(task!.Properties.ContainerDefinitions[0].Secrets).toBeUndefined();
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: Match.anyValue() });
  });

  it('lets the task role decrypt only migration credentials (encryption-context condition), never anything else in KMS', () => {
    const kms = statementsOfRole(template, 'MigratorTaskDefinitionTaskRole').filter((s) => s.actions.some((a) => a.startsWith('kms:')));
    expect(kms).toHaveLength(1);
    expect(kms[0]!.actions).toEqual(['kms:Decrypt']);
    expect(kms[0]!.condition).toEqual({ StringEquals: { [CREDENTIALS_CONTEXT.key]: 'migration-credentials' } });
    expect(CREDENTIALS_CONTEXT.key).toBe('kms:EncryptionContext:purpose');
  });

  it('has the job queue and the shared DLQ: visibility ≥ 6× the dispatch timeout, 5 receives, 14-day DLQ, SSE, TLS only', () => {
    const visibility = DISPATCH_TIMEOUT.toSeconds() * 6;
    template.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: visibility,
      SqsManagedSseEnabled: true,
      RedrivePolicy: { maxReceiveCount: 5, deadLetterTargetArn: Match.anyValue() },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 1_209_600, SqsManagedSseEnabled: true });
    template.allResourcesProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy'));
    const queues = Object.keys(template.findResources('AWS::SQS::Queue'));
    const tlsOnly = policies.filter((p) => JSON.stringify(p.Properties.PolicyDocument).includes('"aws:SecureTransport":"false"'));
    expect(tlsOnly.flatMap((p) => p.Properties.Queues).length).toBe(queues.length);
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { MIGRATOR_CONTAINER_NAME } } } }));
    expect(fn!.Properties.Timeout * 6).toBeLessThanOrEqual(visibility);
    template.resourceCountIs('AWS::SQS::Queue', 2);
  });

  it('sends every failure of the pipeline to the one DLQ: job redrive, the rule target, the function\'s async failures', () => {
    const dlq = Object.keys(template.findResources('AWS::SQS::Queue', { Properties: { MessageRetentionPeriod: 1_209_600 } }));
    expect(dlq).toHaveLength(1);
    const arn = { 'Fn::GetAtt': [dlq[0], 'Arn'] };
    template.hasResourceProperties('AWS::SQS::Queue', { RedrivePolicy: { deadLetterTargetArn: arn, maxReceiveCount: 5 } });
    template.hasResourceProperties('AWS::Events::Rule', { Targets: [Match.objectLike({ DeadLetterConfig: { Arn: arn } })] });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { DestinationConfig: { OnFailure: { Destination: arn } } });
    // EventBridge may send to it (queue policy), scoped to the rule.
    const policies = JSON.stringify(template.findResources('AWS::SQS::QueuePolicy'));
    expect(policies).toContain('events.amazonaws.com');
  });

  it('gives the worker exactly TABLE_NAME and MIGRATION_KMS_KEY_ID, and its role no mail or queue rights', () => {
    const [task] = Object.values(template.findResources('AWS::ECS::TaskDefinition'));
    const env = (task!.Properties.ContainerDefinitions[0].Environment as { Name: string }[]).map((e) => e.Name).sort();
    expect(env).toEqual(['MIGRATION_KMS_KEY_ID', 'TABLE_NAME']);
    const actions = statementsOfRole(template, 'MigratorTaskDefinitionTaskRole').flatMap((s) => s.actions);
    expect(actions.filter((a) => /^(ses|sqs|ecs|iam):/.test(a))).toEqual([]);
  });

  it('wires dispatch: SQS event source with partial batch failures and a concurrency cap; ECS STOPPED events with a DLQ', () => {
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^JobsQueue'), 'Arn'] },
      FunctionName: { Ref: Match.stringLikeRegexp('^DispatchFunction') },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TaskStopped'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.ecs'],
        'detail-type': ['ECS Task State Change'],
        detail: { clusterArn: [Match.anyValue()], lastStatus: ['STOPPED'] },
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DispatchFunction'), 'Arn'] }, DeadLetterConfig: Match.anyValue() })],
    });
  });

  it('lets only the dispatch role run or stop tasks and pass the task roles', () => {
    const everywhere = [template, ...others].flatMap(attachedStatements);
    const ecsControl = everywhere.filter((s) => s.actions.some((a) => ['ecs:RunTask', 'ecs:StopTask', 'iam:PassRole'].includes(a)));
    const dispatchRoles = new Set(statementsOfRole(template, 'DispatchRole').map((s) => s.policy));
    const passToScheduler = ecsControl.filter((s) => s.actions.includes('iam:PassRole') && JSON.stringify(s.resources).includes('SchedulerExecutionRole'));
    expect(ecsControl.filter((s) => !dispatchRoles.has(s.policy) && !passToScheduler.includes(s))).toEqual([]);
    const runTask = ecsControl.find((s) => s.actions.includes('ecs:RunTask'))!;
    expect(runTask.resources).toEqual([{ Ref: expect.stringMatching(/^MigratorTaskDefinition/) }]);
    const passRole = ecsControl.find((s) => s.actions.includes('iam:PassRole') && dispatchRoles.has(s.policy))!;
    expect(passRole.condition).toEqual({ StringLike: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } });
  });

  it('runs the migration watchdog on dispatch every 5 minutes, with the ECS reads it needs scoped to the cluster (QM-6)', () => {
    expect(SWEEP_EVERY.toMinutes()).toBe(5);
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DispatchFunction'), 'Arn'] }, Input: JSON.stringify({ kind: 'migration-sweep' }), DeadLetterConfig: Match.anyValue() })],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DispatchFunction'), 'Arn'] },
      SourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Sweep'), 'Arn'] },
    });
    const dispatch = statementsOfRole(template, 'DispatchRole');
    const list = dispatch.filter((s) => s.actions.includes('ecs:ListTasks'));
    expect(list).toHaveLength(1);
    expect(list[0]!.actions).toEqual(['ecs:ListTasks']);
    expect(list[0]!.resources).toEqual(['*']);
    expect(list[0]!.condition).toEqual({ ArnEquals: { 'ecs:cluster': { 'Fn::GetAtt': [expect.stringMatching(/^Cluster/), 'Arn'] } } });
    const stopDescribe = dispatch.find((s) => s.actions.includes('ecs:StopTask'))!;
    expect(stopDescribe.actions.sort()).toEqual(['ecs:DescribeTasks', 'ecs:StopTask']);
    expect(JSON.stringify(stopDescribe.resources)).toContain(':task/');
    // Nobody else may list or stop the tasks.
    const elsewhere = [template, ...others].flatMap(attachedStatements).filter((s) => s.actions.some((a) => ['ecs:ListTasks', 'ecs:StopTask', 'ecs:DescribeTasks'].includes(a)));
    expect(elsewhere.every((s) => dispatch.some((d) => d.policy === s.policy))).toBe(true);
  });

  it('lets dispatch send run-end emails only from the sender identity', () => {
    const ses = statementsOfRole(template, 'DispatchRole').filter((s) => s.actions.some((a) => a.startsWith('ses:')));
    expect(ses).toHaveLength(1);
    expect(ses[0]!.actions.sort()).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
    expect(JSON.stringify(ses[0]!.resources)).toContain(':identity/');
    expect(ses[0]!.resources).not.toContain('*');
  });

  it('alarms on the shared DLQ (dispatch failures are retried into it), failed runs and throttles: three alarms', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DeadLetters'), 'QueueName'] } }],
      AlarmActions: [Match.anyValue()],
      OKActions: [Match.anyValue()],
      Threshold: 1,
    });
  });
});
