import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { FilterPattern, MetricFilter, type ILogGroup } from 'aws-cdk-lib/aws-logs';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { EventField, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { SnsTopic } from 'aws-cdk-lib/aws-events-targets';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { REFUSED_SIGN_IN_LOG } from '../../../functions/src/modules/auth/log-in.ts';

export interface OpsAlarmsProps {
  /** The ops topic every alarm (and its recovery) notifies. */
  readonly topic: ITopic;
}

/**
 * Refused sign-ins in 5 minutes that page ops: more than an admin who mistyped produces (the account backs
 * off after 5 failures, from 30 s doubling), less than scripted guessing produces in a minute or two.
 */
export const REFUSED_SIGN_INS_THRESHOLD = 20;

/**
 * The alarms that must reach a human. CloudWatch bills $0.10/month per metric an alarm reads (a metric-math
 * alarm pays for every metric in it, a composite alarm $0.50 on top of its children), so the app watches
 * few metrics: the one dead-letter queue every asynchronous path ends in, the api function's errors,
 * account-wide Lambda throttles, failed migration runs and refused sign-ins (the last two counted from log
 * lines). Errors, timeouts and throttles of the asynchronous functions (dispatch, scheduled) are retried and
 * then land in that queue, so a separate alarm on each of them would only fire earlier for the same incident.
 * Changes to the credentials key are EventBridge rules on CloudTrail events, which cost nothing.
 */
export class OpsAlarms extends Construct {
  private readonly action: SnsAction;
  private readonly topic: ITopic;

  constructor(scope: Construct, id: string, props: OpsAlarmsProps) {
    super(scope, id);
    this.topic = props.topic;
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

  /**
   * Refused sign-ins (wrong password or 2FA code, or refused by the throttle), counted from the api's
   * `sign-in refused` log line. Each bucket already slows a guesser down (AS-5); this tells a human that
   * someone is trying. Like `failedRuns`, the filter publishes only when a sign-in is refused.
   */
  refusedSignIns(id: string, logGroup: ILogGroup): Alarm {
    const filter = new MetricFilter(this, `${id}Filter`, {
      logGroup,
      filterPattern: FilterPattern.stringValue('$.message', '=', REFUSED_SIGN_IN_LOG),
      metricNamespace: 'PurelyManage',
      metricName: 'RefusedSignIns',
      metricValue: '1',
    });
    return this.add(
      new Alarm(this, id, {
        alarmDescription: `At least ${REFUSED_SIGN_INS_THRESHOLD} sign-ins were refused in 5 minutes (wrong password or 2FA code, or throttled): someone may be guessing passwords. Open Audit in the panel (failed auth.login entries name the email and IP); the account and IP throttles are already slowing them down. If it goes on, block the source at CloudFront and make sure every admin has 2FA.`,
        metric: filter.metric({ statistic: 'Sum', period: Duration.minutes(5) }),
        threshold: REFUSED_SIGN_INS_THRESHOLD,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
  }

  /**
   * CS-4: tells ops within minutes when someone disables the key or schedules its deletion: while it is
   * disabled no migration can open its sealed IMAP passwords, and once deleted they are gone for good.
   * An EventBridge rule on the CloudTrail record of the call (AWS service events on the default bus are
   * free), so no alarm metric is billed. The EventBridge guide says "AWS API Call via CloudTrail" events need
   * a CloudTrail trail with logging enabled in the account
   * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html); the app
   * does not create one (infra/README.md, "Alarms"). Both calls take only a key id or key ARN, never an alias
   * (KMS API reference, DisableKey/ScheduleKeyDeletion `KeyId`), so matching `requestParameters.keyId` on
   * both scopes the rule to this key. Only calls that succeeded (no `errorCode`) match, so the message is true.
   */
  keyDisabledOrScheduledForDeletion(id: string, key: IKey): Rule {
    const field = (path: string) => EventField.fromPath(path);
    const rule = new Rule(this, id, {
      description: 'PurelyManage: the credentials key was disabled or scheduled for deletion (CS-4)',
      eventPattern: {
        source: ['aws.kms'],
        detailType: ['AWS API Call via CloudTrail'],
        detail: {
          eventSource: ['kms.amazonaws.com'],
          eventName: ['ScheduleKeyDeletion', 'DisableKey'],
          requestParameters: { keyId: [key.keyId, key.keyArn] },
          errorCode: [{ exists: false }],
        },
      },
    });
    rule.addTarget(
      new SnsTopic(this.topic, {
        message: RuleTargetInput.fromText(
          [
            `PurelyManage: ${field('$.detail.eventName')} succeeded on the credentials key ${key.keyArn}`,
            `at ${field('$.time')} by ${field('$.detail.userIdentity.arn')} from ${field('$.detail.sourceIPAddress')}.`,
            'While the key is disabled or pending deletion no migration can open its sealed IMAP passwords; once it is deleted they are lost for good.',
            // No double quotes inside: the template is one JSON string, and plain text keeps the email free of escapes.
            `If this was not intended, after ScheduleKeyDeletion run: aws kms cancel-key-deletion --key-id ${key.keyArn} and then`,
            `aws kms enable-key --key-id ${key.keyArn} (a cancelled deletion leaves the key disabled); after DisableKey run only the enable-key command.`,
            `Then find out who did it and why: CloudTrail event ${field('$.detail.eventID')}.`,
          ].join(' '),
        ),
      }),
    );
    return rule;
  }

  private add(alarm: Alarm): Alarm {
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    return alarm;
  }
}
