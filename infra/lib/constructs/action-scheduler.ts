import { Aws, Duration } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Schedule, ScheduleExpression, ScheduleGroup, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
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
 * the DNS recheck (one run every 5 minutes over every due domain, never-checked first, then the oldest due:
 * failing domains come due again within minutes, healthy ones daily; a run with nothing due costs no
 * PurelyMail call), the PurelyMail cache refresh, and the sweeper (overdue pending actions whose schedule
 * was lost, and the notification outbox). One DNS schedule rather than one per tier: a third of the runs.
 */
export const RECURRING_JOBS: readonly RecurringJob[] = [
  { id: 'DnsRecheck', every: Duration.minutes(5), input: { kind: 'dns-tier' }, description: 'DNS recheck: due domains, never-checked first, then the oldest due' },
  { id: 'CacheRefresh', every: Duration.minutes(15), input: { kind: 'cache-refresh' }, description: 'Refresh the PurelyMail cache and check the credit threshold' },
  { id: 'Sweep', every: Duration.minutes(5), input: { kind: 'sweep' }, description: 'Execute overdue pending actions whose schedule was lost; retry the mail outbox' },
];

export interface ActionSchedulerProps {
  /** The only function schedules in this group may invoke. */
  readonly target: IFunction;
  /** Schedule group name, known in advance so IAM findings about it are stable. */
  readonly groupName: string;
  /** Standard (not FIFO) queue for deliveries that exhaust their retries (the app's shared one). */
  readonly deadLetterQueue: IQueue;
  /** @default RECURRING_JOBS */
  readonly recurring?: readonly RecurringJob[];
}

/**
 * EventBridge Scheduler for the app: a schedule group for the one-time "execute pending action" schedules
 * the API creates, an execution role that can invoke the scheduled function and nothing else, a standard
 * SQS dead-letter queue for deliveries that exhaust their retries (given: the app shares one), and the
 * recurring schedules.
 */
export class ActionScheduler extends Construct {
  readonly group: ScheduleGroup;
  readonly role: Role;
  readonly deadLetterQueue: IQueue;

  constructor(scope: Construct, id: string, props: ActionSchedulerProps) {
    super(scope, id);
    this.group = new ScheduleGroup(this, 'Group', { scheduleGroupName: props.groupName });
    this.role = new Role(this, 'ExecutionRole', {
      description: 'EventBridge Scheduler: invoke the PurelyManage scheduled function only',
      // Confused-deputy guard: only schedules in this account may assume it.
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } } }),
    });
    props.target.grantInvoke(this.role);
    this.deadLetterQueue = props.deadLetterQueue;
    // One-time schedules the api creates name this queue too (SCHEDULER_DLQ_ARN), so the role may always send.
    this.deadLetterQueue.grantSendMessages(this.role);

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
