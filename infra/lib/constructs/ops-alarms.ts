import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
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
 * The alarms that must reach a human. Kept to one metric each: CloudWatch bills per alarm metric
 * ($0.10/month beyond the 10 free), so a handful of precise alarms beats a dashboard nobody watches.
 */
export class OpsAlarms extends Construct {
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: OpsAlarmsProps) {
    super(scope, id);
    this.action = new SnsAction(props.topic);
  }

  /** Fires as soon as one message is visible in a dead-letter queue: each one is a lost job or action. */
  deadLetters(id: string, queue: IQueue, what: string): Alarm {
    return this.add(
      new Alarm(this, id, {
        alarmDescription: `${what}: a message reached the dead-letter queue. Inspect it in the SQS console, fix the cause, then redrive or delete it.`,
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
  }

  /** Errors (uncaught exceptions, timeouts) and throttles of one function, each its own alarm. */
  functionHealth(id: string, fn: IFunction, what: string): Alarm[] {
    const common = {
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    };
    return [
      this.add(
        new Alarm(this, `${id}Errors`, {
          ...common,
          alarmDescription: `${what}: the function failed (exception or timeout). Read its log group for the request id.`,
          metric: fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        }),
      ),
      this.add(
        new Alarm(this, `${id}Throttles`, {
          ...common,
          alarmDescription: `${what}: invocations were throttled (account concurrency exhausted?).`,
          metric: fn.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }),
        }),
      ),
    ];
  }

  private add(alarm: Alarm): Alarm {
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    return alarm;
  }
}
