import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { FilterPattern, MetricFilter, type ILogGroup } from 'aws-cdk-lib/aws-logs';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface OpsAlarmsProps {
  /** The ops topic every alarm (and its recovery) notifies. */
  readonly topic: ITopic;
}

/**
 * The alarms that must reach a human. CloudWatch bills $0.10/month per metric an alarm reads (a metric-math
 * alarm pays for every metric in it, a composite alarm $0.50 on top of its children), so the app watches
 * two metrics: the one dead-letter queue every asynchronous path ends in, and the api function's errors.
 * Errors, timeouts and throttles of the asynchronous functions (dispatch, scheduled) are retried and then
 * land in that queue, so a separate alarm on each of them would only fire earlier for the same incident.
 */
export class OpsAlarms extends Construct {
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: OpsAlarmsProps) {
    super(scope, id);
    this.action = new SnsAction(props.topic);
  }

  /** Fires as soon as one message is visible in a dead-letter queue: each one is a lost job, event or action. */
  deadLetters(id: string, queue: IQueue, what: string): Alarm {
    return this.add(
      new Alarm(this, id, {
        alarmDescription: `${what}: a message reached the dead-letter queue. Inspect it in the SQS console (its attributes name the source), fix the cause, then redrive or delete it.`,
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
  }

  /** Errors (uncaught exceptions, timeouts) of a synchronous function, whose failures no queue keeps. */
  functionErrors(id: string, fn: IFunction, what: string): Alarm {
    return this.add(
      new Alarm(this, `${id}Errors`, {
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: `${what}: the function failed (exception or timeout). Read its log group for the request id.`,
        metric: fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      }),
    );
  }

  /**
   * Lambda throttles anywhere in the account and region: one metric (no dimension) covers every function,
   * so a throttled api, scheduled or dispatch function is seen for $0.10 instead of $0.10 per function.
   */
  lambdaThrottles(id: string): Alarm {
    return this.add(
      new Alarm(this, id, {
        alarmDescription: 'Lambda throttled requests: a function hit its concurrency limit. Check the Throttles metric per function and raise reserved or account concurrency.',
        metric: new Metric({ namespace: 'AWS/Lambda', metricName: 'Throttles', statistic: 'Sum', period: Duration.minutes(5) }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
  }

  /**
   * Failed migration runs, counted from the worker's "run finished" log line by a metric filter. The filter
   * publishes only when a run fails, so an idle stack pays nothing for the custom metric.
   */
  failedRuns(id: string, logGroup: ILogGroup): Alarm {
    const filter = new MetricFilter(this, `${id}Filter`, {
      logGroup,
      filterPattern: FilterPattern.all(FilterPattern.stringValue('$.message', '=', 'run finished'), FilterPattern.stringValue('$.state', '=', 'failed')),
      metricNamespace: 'PurelyManage',
      metricName: 'FailedMigrationRuns',
      metricValue: '1',
    });
    return this.add(
      new Alarm(this, id, {
        alarmDescription: 'A migration run failed (not cancelled or interrupted). Open Migrations in the panel: the run shows its error class, cause and fix.',
        metric: filter.metric({ statistic: 'Sum', period: Duration.minutes(5) }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
  }

  private add(alarm: Alarm): Alarm {
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    return alarm;
  }
}
