import { Aws, Duration, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Schedule, ScheduleExpression, ScheduleGroup, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** One recurring invocation of the scheduled function. */
export interface RecurringJob {
  /** Construct id, e.g. 'DnsUnhealthyTier'. */
  readonly id: string;
  readonly every: Duration;
  /** The event the scheduled function receives; it parses it with zod (`kind` discriminates). */
  readonly input: Record<string, string>;
  readonly description: string;
}

/**
 * The recurring work of the scheduled function (inputs match functions/src/adapters/scheduler/scheduled-event.ts):
 * DNS rechecks by tier (never-checked and failing domains every 5 minutes, healthy ones hourly; each run
 * only touches domains that are due, so an idle run costs no PurelyMail call), the PurelyMail cache refresh,
 * and the sweeper (overdue pending actions whose schedule was lost, and the notification outbox).
 */
export const RECURRING_JOBS: readonly RecurringJob[] = [
  { id: 'DnsNewTier', every: Duration.minutes(5), input: { kind: 'dns-tier', tier: 'new' }, description: 'DNS recheck: never-checked domains' },
  { id: 'DnsFailingTier', every: Duration.minutes(5), input: { kind: 'dns-tier', tier: 'failing' }, description: 'DNS recheck: failing domains that are due again' },
  { id: 'DnsHealthyTier', every: Duration.hours(1), input: { kind: 'dns-tier', tier: 'healthy' }, description: 'DNS recheck: healthy domains whose daily check is due' },
  { id: 'CacheRefresh', every: Duration.minutes(15), input: { kind: 'cache-refresh' }, description: 'Refresh the PurelyMail cache and check the credit threshold' },
  { id: 'Sweep', every: Duration.minutes(5), input: { kind: 'sweep' }, description: 'Execute overdue pending actions whose schedule was lost; retry the mail outbox' },
];

export interface ActionSchedulerProps {
  /** The only function schedules in this group may invoke. */
  readonly target: IFunction;
  /** Schedule group name, known in advance so IAM findings about it are stable. */
  readonly groupName: string;
  /** @default RECURRING_JOBS */
  readonly recurring?: readonly RecurringJob[];
}

/**
 * EventBridge Scheduler for the app: a schedule group for the one-time "execute pending action" schedules
 * the API creates, an execution role that can invoke the scheduled function and nothing else, a standard
 * SQS dead-letter queue for deliveries that exhaust their retries, and the recurring schedules.
 */
export class ActionScheduler extends Construct {
  readonly group: ScheduleGroup;
  readonly role: Role;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: ActionSchedulerProps) {
    super(scope, id);
    this.group = new ScheduleGroup(this, 'Group', { scheduleGroupName: props.groupName });
    this.role = new Role(this, 'ExecutionRole', {
      description: 'EventBridge Scheduler: invoke the PurelyManage scheduled function only',
      // Confused-deputy guard: only schedules in this account may assume it.
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } } }),
    });
    props.target.grantInvoke(this.role);
    // Scheduler DLQs must be standard queues (FIFO is not supported).
    this.deadLetterQueue = new Queue(this, 'Dlq', {
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.deadLetterQueue.grantSendMessages(this.role);
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the schedules and of the scheduled function\'s async invocations (nag only recognises DLQs referenced by a redrive policy).',
    });

    for (const job of props.recurring ?? RECURRING_JOBS) {
      new Schedule(this, job.id, {
        description: job.description,
        scheduleGroup: this.group,
        schedule: ScheduleExpression.rate(job.every),
        target: new LambdaInvoke(props.target, {
          role: this.role,
          input: ScheduleTargetInput.fromObject(job.input),
          deadLetterQueue: this.deadLetterQueue,
          // A missed tick is replaced by the next one; no point retrying a 5-minute job for 24 h.
          retryAttempts: 3,
          maxEventAge: Duration.minutes(30),
        }),
      });
    }
  }
}
