import { ArnFormat, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ActionScheduler } from '../constructs/action-scheduler.ts';
import { ApiRoutes } from '../constructs/api-routes.ts';
import { AppFunction } from '../constructs/app-function.ts';
import { grantTableAccess } from '../constructs/table-access-grant.ts';
import { TABLE_ACCESS } from '../../../functions/src/adapters/dynamodb/table-access.ts';
import { grantWithAppPasswordContext, grantWithCredentialsContext, grantWithHandoverContext, grantWithMfaContext, MIGRATOR_CONTAINER_NAME, MIGRATOR_STREAM_PREFIX } from '../constructs/migrator-task.ts';
import { OpsAlarms } from '../constructs/ops-alarms.ts';
import { allowRoute53Zones } from '../constructs/route53-zone-grant.ts';
import { acknowledgeWildcard, nagArn, nagRef } from '../nag.ts';
import type { MailSenders } from '../config/mail-senders.ts';
import type { SharedTable } from './data-stack.ts';

export interface ApiStackProps extends StackProps {
  readonly table: SharedTable;
  /** Prefix of physical names that must be known in advance (the schedule group). */
  readonly namePrefix: string;
  readonly credentialsKey: IKey;
  /** JSON `{ purelymailToken, originVerify }` (data stack): both functions need the token, the api also the origin-verify value. */
  readonly appSecret: ISecret;
  /** The sender and the SES identities every mailing function may send from (data stack config). */
  readonly mailSenders: MailSenders;
  readonly alarmTopic: ITopic;
  readonly migrationQueue: IQueue;
  /** The app's shared dead-letter queue (migrator stack), already alarmed there. */
  readonly deadLetterQueue: IQueue;
  /** The migrator tasks' log group (migrator stack): the api serves a run's full log from it. */
  readonly migratorLogGroup: ILogGroup;
  /** The HTTP API (web stack) the api function is attached to. */
  readonly httpApi: IHttpApi;
  /** `https://…` of the site: the only Origin allowed to change state. */
  readonly siteUrl: string;
  /** functions/src/entrypoints/http-api.ts */
  readonly apiEntry: string;
  /** functions/src/entrypoints/scheduled.ts */
  readonly scheduledEntry: string;
  /** IMAP ports the migration tasks may reach besides 143 and 993: the server form accepts these too. @default [] */
  readonly extraImapPorts?: readonly number[];
  /** Route 53 hosted zones (apex → id) a domain move may apply records to (CDK context `route53Zones`). @default {} */
  readonly route53Zones?: Readonly<Record<string, string>>;
  /** Public resolvers for domain moves' DNS queries (CDK context `dnsWatchResolvers`). @default the functions' default */
  readonly dnsWatchResolvers?: readonly string[];
}

/**
 * The stateless application: the api function behind the HTTP API, the scheduled function and
 * EventBridge Scheduler around it, with every permission granted by L2 grants on named resources.
 */
export class ApiStack extends Stack {
  readonly api: AppFunction;
  readonly scheduled: AppFunction;
  readonly scheduler: ActionScheduler;
  readonly routes: ApiRoutes;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const table = props.table.importInto(this);
    const alarms = new OpsAlarms(this, 'Alarms', { topic: props.alarmTopic });
    // Both functions parse AwsConfig (functions/src/platform/config/aws-config.ts); these are its required variables.
    const common = {
      TABLE_NAME: table.tableName,
      APP_ORIGIN: props.siteUrl,
      APP_SECRET_ARN: props.appSecret.secretArn,
      MAIL_FROM: props.mailSenders.senderEmail,
    };

    // A fixed name: the function re-arms schedules that target itself, so its env holds its own ARN.
    const scheduledName = `${props.namePrefix}-scheduled`;
    const scheduledArn = this.formatArn({ service: 'lambda', resource: 'function', resourceName: scheduledName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const scheduled = new AppFunction(this, 'Scheduled', {
      entry: props.scheduledEntry,
      functionName: scheduledName,
      timeout: Duration.minutes(2),
      // I/O-bound (DynamoDB, PurelyMail, DNS) and warm between 5-minute ticks: it runs ~20k times a month at
      // rest, so memory is most of the idle compute bill.
      memorySize: 256,
      environment: common,
    });
    this.scheduled = scheduled;
    this.scheduler = new ActionScheduler(this, 'Scheduler', {
      target: scheduled.fn,
      groupName: `${props.namePrefix}-actions`,
      deadLetterQueue: props.deadLetterQueue,
    });
    acknowledgeWildcard(
      this.scheduler.role,
      `Resource::${nagRef(scheduled.fn, 'Arn')}:*`,
      'lambda:InvokeFunction granted by the L2 grantInvoke covers the function and its versions/aliases (<arn>:*); it is still this one function.',
    );
    // Errors inside the function (after Lambda's two async retries) land in the same DLQ as failed deliveries.
    scheduled.fn.configureAsyncInvoke({ onFailure: new SqsDestination(props.deadLetterQueue), retryAttempts: 2, maxEventAge: Duration.hours(6) });
    // Pending actions, cache, DNS health, outbox, campaigns to purge; no session (table-access.ts).
    grantTableAccess(table, scheduled.fn, TABLE_ACCESS.scheduled);
    props.appSecret.grantRead(scheduled.fn);
    props.mailSenders.grantSend(scheduled.fn);
    // The sweep deletes migration app passwords no longer used: it opens their sealed secret (and nothing else).
    // A domain move's scheduled pass (issue 19) queues delta runs; a job whose migration app password the sweep
    // deleted gets a fresh one first, sealed twice: as the job's destination password (seal only, credentials
    // context, never Decrypt) and as the app password the panel keeps to delete it later.
    grantWithAppPasswordContext(props.credentialsKey, scheduled.fn, 'kms:GenerateDataKey', 'kms:Decrypt');
    grantWithCredentialsContext(props.credentialsKey, scheduled.fn, 'kms:GenerateDataKey');
    scheduled.fn.addEnvironment('MIGRATION_KMS_KEY_ID', props.credentialsKey.keyArn);
    // The runs of a domain move's pass reach the dispatch function through the migration queue, as the api's do.
    props.migrationQueue.grantSendMessages(scheduled.fn);
    scheduled.fn.addEnvironment('MIGRATION_QUEUE_URL', props.migrationQueue.queueUrl);
    // EventBridge Scheduler for pending actions (AwsConfig SCHEDULER_*): the api arms and cancels one-time
    // schedules, the scheduled function re-arms one that fired early. Both may pass the scheduler role.
    const scheduling = {
      SCHEDULER_GROUP_NAME: this.scheduler.group.scheduleGroupName,
      SCHEDULER_ROLE_ARN: this.scheduler.role.roleArn,
      SCHEDULER_DLQ_ARN: props.deadLetterQueue.queueArn,
      SCHEDULED_FUNCTION_ARN: scheduledArn,
    };
    const allowScheduling = (fn: AppFunction, who: string) => {
      for (const [k, v] of Object.entries(scheduling)) fn.fn.addEnvironment(k, v);
      this.scheduler.group.grantWriteSchedules(fn.fn);
      this.scheduler.group.grantDeleteSchedules(fn.fn);
      this.scheduler.role.grantPassRole(fn.fn.grantPrincipal);
      acknowledgeWildcard(
        fn.role,
        `Resource::${nagArn('scheduler', `schedule/${this.scheduler.group.scheduleGroupName}/*`)}`,
        `One-time schedules are named after pending-action ids created at run time; ${who} may only touch schedules in the app's own group.`,
      );
    };
    allowScheduling(scheduled, 'the scheduled function');

    this.api = new AppFunction(this, 'Api', {
      entry: props.apiEntry,
      // API Gateway gives up after 30 s.
      timeout: Duration.seconds(29),
      // One full vCPU, chosen from `npm run bench:api`: a cold dashboard load (/api/auth/me, /api/dashboard,
      // /api/users) spends ~165 ms CPU through init (Node's start and the import), which Lambda runs fast at any
      // size, and ~120 ms CPU in the three requests, which Lambda stretches by 1769 / MB: ≈ 420 ms at 512 MB,
      // ≈ 210 ms at 1024 MB, ≈ 120 ms here (measured after the issue 16 cold-start fixes; the choice is unchanged).
      // More memory adds a second vCPU that one Node request cannot use. scrypt at N=2^17 (sign-in) needs 128 MiB
      // and is CPU-bound too. The price is per GB-second of use only: at an admin panel's traffic (say 20,000
      // requests a month at ~0.15 s) 1769 MB costs about $0.09 a month against $0.05 at 1024 MB, and nothing idle.
      memorySize: 1769,
      environment: {
        ...common,
        MIGRATION_QUEUE_URL: props.migrationQueue.queueUrl,
        MIGRATION_KMS_KEY_ID: props.credentialsKey.keyArn,
        ...(props.extraImapPorts?.length ? { MIGRATION_EXTRA_IMAP_PORTS: props.extraImapPorts.join(',') } : {}),
        MIGRATOR_LOG_GROUP_NAME: props.migratorLogGroup.logGroupName,
        MIGRATOR_LOG_STREAM_PREFIX: `${MIGRATOR_STREAM_PREFIX}/${MIGRATOR_CONTAINER_NAME}`,
        // Settings may only pick a sender these identities cover (the functions are granted exactly them).
        MAIL_FROM_IDENTITIES: props.mailSenders.environmentValue,
      },
    });
    const apiFn = this.api.fn;
    table.grantReadWriteData(apiFn);
    props.table.acknowledgeIndexGrant(this.api.role, 'the api function');
    props.appSecret.grantRead(apiFn);
    props.mailSenders.grantSend(apiFn);
    props.migrationQueue.grantSendMessages(apiFn);
    // Full run logs (download): read events of the migrator's streams, nothing else in CloudWatch Logs.
    props.migratorLogGroup.grant(apiFn, 'logs:GetLogEvents');
    // Seal only: GenerateDataKey returns the plaintext data key for encrypting; never Decrypt (CS-3).
    grantWithCredentialsContext(props.credentialsKey, apiFn, 'kms:GenerateDataKey');
    // 2FA: admins' TOTP secrets are sealed at rest under their own purpose; checking a code opens one.
    grantWithMfaContext(props.credentialsKey, apiFn, 'kms:GenerateDataKey', 'kms:Decrypt');
    // App passwords the panel makes at PurelyMail: sealed to be deleted later (create, revoke, job deletion).
    grantWithAppPasswordContext(props.credentialsKey, apiFn, 'kms:GenerateDataKey', 'kms:Decrypt');
    // One-time hand-over links of imported users: the password sealed when the link is made, opened when it is.
    grantWithHandoverContext(props.credentialsKey, apiFn, 'kms:GenerateDataKey', 'kms:Decrypt');
    allowScheduling(this.api, 'the api function');
    // The api is the one synchronous function: its failures reach no queue (the others end in the DLQ).
    alarms.functionErrors('Api', apiFn, 'API function');
    // AS-5: a burst of refused sign-ins (the api logs one line per refusal) means someone is guessing.
    alarms.refusedSignIns('RefusedSignIns', this.api.logGroup);

    // Domain moves' "Apply to Route 53" (issue 19), only for the zones ops named, and only for the api, which plans,
    // applies and rolls back. The scheduled function's part of a move (the resolution watch, the old MX) asks public
    // resolvers and never Route 53, so it gets no Route 53 permission.
    allowRoute53Zones(this.api.fn, props.route53Zones ?? {}, 'The api function');
    if (props.dnsWatchResolvers?.length) for (const fn of [apiFn, scheduled.fn]) fn.addEnvironment('DNS_WATCH_RESOLVERS', props.dnsWatchResolvers.join(','));

    // The routes and the stage with their throttles: the public routes each get their own limit.
    this.routes = new ApiRoutes(this, 'Routes', { httpApi: props.httpApi, handler: apiFn });
  }
}
