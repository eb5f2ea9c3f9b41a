import { Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { FlowLogDestination, FlowLogTrafficType, Peer, Port, SecurityGroup, SubnetType, Vpc } from 'aws-cdk-lib/aws-ec2';
import { Cluster, ContainerInsights } from 'aws-cdk-lib/aws-ecs';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { AppFunction } from '../constructs/app-function.ts';
import { grantTableAccess } from '../constructs/table-access-grant.ts';
import { TABLE_ACCESS } from '../../../functions/src/adapters/dynamodb/table-access.ts';
import { MIGRATOR_CONTAINER_NAME, MigratorTask } from '../constructs/migrator-task.ts';
import { OpsAlarms } from '../constructs/ops-alarms.ts';
import { QueueWithDlq } from '../constructs/queue-with-dlq.ts';
import { acknowledgeWildcard, nagArn, nagRef } from '../nag.ts';
import type { MailSenders } from '../config/mail-senders.ts';
import { ALWAYS_OPEN_PORTS, type MigratorArchitecture } from '../config/stage-config.ts';
import type { SharedTable } from './data-stack.ts';

/** The dispatch function's timeout; the job queue's visibility timeout is six times this (QM-3). */
export const DISPATCH_TIMEOUT = Duration.seconds(60);

/** How often the migration watchdog sweeps (hung and over-long runs time out, zombie tasks are stopped). */
export const SWEEP_EVERY = Duration.minutes(5);

/** What ends up in the shared dead-letter queue, named in its alarm. */
export const DEAD_LETTER_SOURCES = [
  'migration jobs after 5 failed dispatches',
  'task-stopped events the rule or the dispatch function could not handle',
  'scheduler deliveries and scheduled-function failures',
] as const;

export interface MigratorStackProps extends StackProps {
  readonly table: SharedTable;
  readonly credentialsKey: IKey;
  readonly alarmTopic: ITopic;
  /** @default false (see StageConfig.containerInsights) */
  readonly containerInsights?: boolean;
  /** Entry file of the dispatch function (functions/src/entrypoints/dispatch.ts). */
  readonly dispatchEntry: string;
  /** The verified sender (data stack): dispatch sends run-end emails (batch summaries, single-job results). */
  /** The sender and the SES identities every mailing function may send from (data stack config). */
  readonly mailSenders: MailSenders;
  /** `https://…` of the site, for links in those emails. */
  readonly siteUrl: string;
  /** @default 'arm64' (StageConfig.migratorArchitecture) */
  readonly architecture?: MigratorArchitecture;
  /** Run tasks on Fargate Spot; x86_64 only (Spot cannot run arm64 tasks). @default false */
  readonly spot?: boolean;
  /** IMAP ports besides 143 and 993 the tasks may reach (StageConfig.extraImapPorts). @default [] */
  readonly extraImapPorts?: readonly number[];
}

/**
 * The migration pipeline: the job queue, the dispatch function that turns a message into one Fargate task
 * (and releases the slot when the task stops), and where those tasks run. Dispatch lives here, next to the
 * task definition, because the task definition's ARN changes with every image build and a cross-stack
 * export of it could not be updated while in use.
 *
 * It also owns the app's one dead-letter queue (the API stack's scheduler uses it too): one queue, one
 * alarm metric, instead of one of each per source.
 */
export class MigratorStack extends Stack {
  readonly jobs: QueueWithDlq;
  /** Where every asynchronous path of the app ends after its retries (see {@link DEAD_LETTER_SOURCES}). */
  readonly deadLetters: Queue;
  readonly cluster: Cluster;
  readonly task: MigratorTask;
  readonly dispatch: AppFunction;
  readonly taskSecurityGroup: SecurityGroup;
  /** TCP ports the tasks may connect to (IPv4, any address). */
  readonly egressPorts: readonly number[];
  readonly vpc: Vpc;

  constructor(scope: Construct, id: string, props: MigratorStackProps) {
    super(scope, id, props);
    const table = props.table.importInto(this);

    // Public subnets only: tasks need outbound IMAP, and a NAT gateway would cost more than the idle stack.
    const vpc = new Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'public', subnetType: SubnetType.PUBLIC, cidrMask: 24 }],
    });
    this.vpc = vpc;
    // Rejected traffic only: it is what shows probing of the tasks' public IPs, and it costs nothing when idle.
    vpc.addFlowLog('RejectedFlows', {
      trafficType: FlowLogTrafficType.REJECT,
      destination: FlowLogDestination.toCloudWatchLogs(new LogGroup(this, 'FlowLogs', { retention: RetentionDays.ONE_MONTH })),
    });
    if (props.spot && (props.architecture ?? 'arm64') === 'arm64') {
      throw new Error('Fargate Spot cannot run arm64 tasks: use x86_64 tasks (-c migratorArchitecture=x86_64) or no Spot.');
    }
    // Outbound to IMAP (143 STARTTLS, 993 implicit TLS, plus the ports the deployment opens: the server form refuses
    // any other) and HTTPS (DynamoDB, KMS, the image pull and the awslogs driver go through the task's own ENI on
    // Fargate). DNS to the VPC resolver is not filtered by security groups.
    this.taskSecurityGroup = new SecurityGroup(this, 'TaskSecurityGroup', {
      vpc,
      description: 'Migration tasks: no inbound; outbound to IMAP (143, 993 and the extraImapPorts) and HTTPS only',
      allowAllOutbound: false,
    });
    this.egressPorts = [...new Set([...ALWAYS_OPEN_PORTS, ...(props.extraImapPorts ?? [])])];
    for (const port of this.egressPorts) {
      this.taskSecurityGroup.addEgressRule(Peer.anyIpv4(), Port.tcp(port), port === 443 ? 'HTTPS: AWS APIs, image pull, logs' : `IMAP on ${port}`);
    }

    this.cluster = new Cluster(this, 'Cluster', {
      vpc,
      enableFargateCapacityProviders: true,
      containerInsightsV2: props.containerInsights ? ContainerInsights.ENABLED : ContainerInsights.DISABLED,
    });
    if (!props.containerInsights) {
      Validations.of(this.cluster).acknowledge({
        id: 'AwsSolutions::AwsSolutions-ECS4',
        reason: 'Container Insights bills per metric per task and alone would exceed the ~$2/month idle budget; each run is one short task whose logs and progress are already in CloudWatch Logs and DynamoDB. Enable with -c containerInsights=true.',
      });
    }

    // Exactly what the worker reads (migrator-container/src/main.ts WorkerConfig); RUN_ID comes per task
    // as a RunTask override, the work directory from the image (WORK_DIR=/work).
    this.task = new MigratorTask(this, 'Migrator', {
      credentialsKey: props.credentialsKey,
      architecture: props.architecture,
      environment: {
        TABLE_NAME: table.tableName,
        MIGRATION_KMS_KEY_ID: props.credentialsKey.keyArn,
        ...(props.extraImapPorts?.length ? { MIGRATION_EXTRA_IMAP_PORTS: props.extraImapPorts.join(',') } : {}),
      },
    });
    // Its run, job, lease and slot items and the job's servers, by partition key (table-access.ts).
    grantTableAccess(table, this.task.taskDefinition.taskRole, TABLE_ACCESS.worker);
    acknowledgeWildcard(
      this.task.taskDefinition.obtainExecutionRole(),
      'Resource::*',
      'The execution role pulls the image: ecr:GetAuthorizationToken has no resource-level permissions and must name "*"; the pull actions themselves are scoped to the asset repository.',
    );
    Validations.of(this.task.taskDefinition).acknowledge({
      id: 'AwsSolutions::AwsSolutions-ECS2',
      reason: 'The environment holds only resource names (table name, key ARN); per-run ids come as RunTask overrides and credentials are decrypted inside the task, never passed in env.',
    });

    this.deadLetters = new Queue(this, 'DeadLetters', {
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.jobs = new QueueWithDlq(this, 'Jobs', { visibilityTimeout: Duration.seconds(DISPATCH_TIMEOUT.toSeconds() * 6), deadLetterQueue: this.deadLetters });
    const alarms = new OpsAlarms(this, 'Alarms', { topic: props.alarmTopic });
    alarms.deadLetters('DeadLettersVisible', this.deadLetters, `PurelyManage (${DEAD_LETTER_SOURCES.join('; ')})`);
    this.dispatch = this.addDispatch(props, table, props.dispatchEntry);
    alarms.failedRuns('FailedRuns', this.task.logGroup);
    alarms.lambdaThrottles('LambdaThrottles');
  }

  /** The dispatch function: queue consumer, the only principal that may run or stop migration tasks. */
  private addDispatch(props: MigratorStackProps, table: ITable, entry: string): AppFunction {
    const dispatch = new AppFunction(this, 'Dispatch', {
      entry,
      timeout: DISPATCH_TIMEOUT,
      memorySize: 256,
      // Task-stopped events the function failed on (after Lambda's async retries): each may be a leaked slot.
      onFailure: new SqsDestination(this.deadLetters),
      // Exactly what DispatchConfig (functions/src/platform/config/dispatch-config.ts) reads.
      environment: {
        TABLE_NAME: table.tableName,
        MIGRATION_QUEUE_URL: this.jobs.queue.queueUrl,
        ECS_CLUSTER_ARN: this.cluster.clusterArn,
        MIGRATOR_TASK_DEFINITION_ARN: this.task.taskDefinition.taskDefinitionArn,
        MIGRATOR_CONTAINER_NAME,
        MIGRATOR_SUBNET_IDS: this.vpc.publicSubnets.map((s) => s.subnetId).join(','),
        MIGRATOR_SECURITY_GROUP_IDS: this.taskSecurityGroup.securityGroupId,
        MIGRATOR_CPU_ARCHITECTURE: this.task.architecture === 'arm64' ? 'ARM64' : 'X86_64',
        ...(props.spot ? { MIGRATOR_CAPACITY_PROVIDER: 'FARGATE_SPOT' } : {}),
        MAIL_FROM: props.mailSenders.senderEmail,
        APP_ORIGIN: props.siteUrl,
      },
    });
    const dispatchFn = dispatch.fn;
    dispatchFn.addEventSource(new SqsEventSource(this.jobs.queue, { batchSize: 5, reportBatchItemFailures: true, maxConcurrency: 2 }));
    // At the concurrency limit the dispatcher puts the job back with a delay.
    this.jobs.queue.grantSendMessages(dispatchFn);
    // Run records, batches, mail settings and send records, the admin list through the index (table-access.ts).
    grantTableAccess(table, dispatchFn, TABLE_ACCESS.dispatch);
    // Runs end in the worker; the task-stopped event that follows sends their emails (SES, this sender only).
    props.mailSenders.grantSend(dispatchFn);
    // RunTask on this task definition and PassRole of its two roles (to ecs-tasks only): the dispatch role alone.
    this.task.taskDefinition.grantRun(dispatchFn);
    // The dispatcher tags each task with its run id (ecs-task-runner.ts), and a RunTask that carries tags is also
    // authorised as ecs:TagResource on the new task: without this every RunTask is denied. Only at creation time
    // (ecs:CreateAction), so it cannot re-tag running tasks.
    dispatchFn.addToRolePolicy(
      new PolicyStatement({ actions: ['ecs:TagResource'], resources: [this.cluster.arnForTasks('*')], conditions: { StringEquals: { 'ecs:CreateAction': 'RunTask' } } }),
    );
    // No L2 grant exists for StopTask/DescribeTasks; scope them to this cluster's tasks.
    dispatchFn.addToRolePolicy(new PolicyStatement({ actions: ['ecs:StopTask', 'ecs:DescribeTasks'], resources: [this.cluster.arnForTasks('*')] }));
    acknowledgeWildcard(
      dispatch.role,
      `Resource::${nagArn('ecs', `task/${nagRef(this.cluster)}/*`)}`,
      'Task ids are random and only known after RunTask; the statement is limited to tasks of the migrator cluster.',
    );
    // The watchdog lists the cluster's running tasks to find ones no running run accounts for. ListTasks acts on
    // container-instance resources (none on Fargate), so it is scoped by the cluster condition instead.
    dispatchFn.addToRolePolicy(new PolicyStatement({ actions: ['ecs:ListTasks'], resources: ['*'], conditions: { ArnEquals: { 'ecs:cluster': this.cluster.clusterArn } } }));
    acknowledgeWildcard(dispatch.role, 'Resource::*', 'ecs:ListTasks has no task-level resource; the statement is limited to the migrator cluster by the ecs:cluster condition.');

    new Rule(this, 'TaskStopped', {
      description: 'Migration task stopped: release its slot and mark a crashed run interrupted',
      eventPattern: {
        source: ['aws.ecs'],
        detailType: ['ECS Task State Change'],
        detail: { clusterArn: [this.cluster.clusterArn], lastStatus: ['STOPPED'] },
      },
      targets: [new LambdaFunction(dispatchFn, { deadLetterQueue: this.deadLetters, retryAttempts: 8, maxEventAge: Duration.hours(6) })],
    });
    // The watchdog runs here, not in the scheduled function: dispatch is the only role that may stop tasks, and it
    // already sends the run-end emails. A missed tick is replaced by the next one.
    new Rule(this, 'Sweep', {
      description: 'Migration watchdog: time out hung or over-long runs, stop tasks with no running run',
      schedule: Schedule.rate(SWEEP_EVERY),
      targets: [new LambdaFunction(dispatchFn, { event: RuleTargetInput.fromObject({ kind: 'migration-sweep' }), deadLetterQueue: this.deadLetters, retryAttempts: 2, maxEventAge: Duration.minutes(10) })],
    });
    return dispatch;
  }
}
