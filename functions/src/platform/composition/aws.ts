import type { LambdaEvent } from 'hono/aws-lambda';
import { cloudWatchRunLogReaderOnFirstUse } from '../../adapters/cloudwatch-logs/cloudwatch-on-first-use.ts';
import { NodeDnsLookup } from '../../adapters/dns/node-dns-lookup.ts';
import { createUdpMxResolver } from '../../adapters/dns/udp-mx-resolver.ts';
import { createTable } from '../../adapters/dynamodb/table.ts';
import { kmsBoxOnFirstUse, kmsSealerOnFirstUse } from '../../adapters/kms/kms-on-first-use.ts';
import { PurelyMailHttpClient } from '../../adapters/purelymail/purelymail-http-client.ts';
import { createRoute53DnsProvider } from '../../adapters/route53/route53-dns-provider.ts';
import { createEventBridgeScheduler } from '../../adapters/scheduler/eventbridge-scheduler.ts';
import { createEventBridgeRecurringScheduler } from '../../adapters/scheduler/eventbridge-recurring-scheduler.ts';
import type { RecurringScheduler } from '../../modules/domain-moves/ports.ts';
import { cachedAppSecret, PurelyMailTokenNotSetError, secretsManagerOnFirstUse } from '../../adapters/secrets-manager/app-secret.ts';
import { createSesMailer } from '../../adapters/ses/ses-mailer.ts';
import { sqsJobQueueOnFirstUse } from '../../adapters/sqs/sqs-on-first-use.ts';
import type { AppContext } from '../../http/app-env.ts';
import type { AppDeps } from '../../http/app-deps.ts';
import type { Scheduler } from '../../modules/pending-actions/ports.ts';
import type { TaskRunner } from '../../modules/migrations/ports.ts';
import { systemClock } from '../clock.ts';
import { AwsConfig } from '../config/aws-config.ts';
import { parseConfig } from '../config/parse-config.ts';
import { createJsonLogger, type Logger } from '../logger.ts';
import { safeEqual } from '../safe-equal.ts';
import { buildCapabilities, type Adapters, type Deployment } from './build-capabilities.ts';

const notConfigured = (what: string) => () => Promise.reject(new Error(`${what} is not configured for this deployment.`));

// The api and the scheduled function never start or stop tasks: that is the dispatch Lambda's job.
const noRunner: TaskRunner = { start: notConfigured('Starting workers from the API'), stop: notConfigured('Stopping workers from the API'), listRunning: notConfigured('Listing workers from the API') };

const noMfaKey = () => Promise.reject(new Error('MIGRATION_KMS_KEY_ID is not configured: two-factor secrets cannot be sealed.'));

// Without the stack's scheduler settings only the sweeper runs due actions (every 15 minutes).
const sweeperOnly: Scheduler = { schedule: async () => {}, cancel: async () => {} };

/** EventBridge Scheduler when the stack configured it. */
function awsScheduler(config: AwsConfig): Scheduler {
  const { SCHEDULER_GROUP_NAME: groupName, SCHEDULED_FUNCTION_ARN: targetArn, SCHEDULER_ROLE_ARN: roleArn, SCHEDULER_DLQ_ARN: deadLetterArn } = config;
  return groupName && targetArn && roleArn && deadLetterArn ? createEventBridgeScheduler({ groupName, targetArn, roleArn, deadLetterArn }) : sweeperOnly;
}

/** Recurring schedules (domain moves) in the same group, target, role and DLQ; refused plainly without the stack's settings. */
function awsRecurringScheduler(config: AwsConfig): RecurringScheduler {
  const { SCHEDULER_GROUP_NAME: groupName, SCHEDULED_FUNCTION_ARN: targetArn, SCHEDULER_ROLE_ARN: roleArn, SCHEDULER_DLQ_ARN: deadLetterArn } = config;
  if (groupName && targetArn && roleArn && deadLetterArn) return createEventBridgeRecurringScheduler({ groupName, targetArn, roleArn, deadLetterArn });
  return { put: notConfigured('EventBridge Scheduler (SCHEDULER_GROUP_NAME and the other SCHEDULER_* settings)'), remove: async () => {} };
}

/**
 * The AWS adapters of the api and the scheduled function (both read AwsConfig): DynamoDB, PurelyMail with its token
 * from the app secret, SES, EventBridge Scheduler, KMS (seal only, and the TOTP purpose), SQS, CloudWatch Logs.
 * The SDKs that few requests use are imported inside their adapter on first use. What the function's environment
 * does not configure refuses with a clear error (the scheduled function seals and queues nothing).
 */
function awsAdapters(config: AwsConfig, logger: Logger, appSecret: ReturnType<typeof cachedAppSecret>): Adapters {
  // Said once per execution environment (and again after a token was read), not on every call: the scheduled
  // function would otherwise log it every 15 minutes until ops set the token.
  let saidNotSet = false;
  const purelymailToken = () =>
    appSecret.purelymailToken().then(
      (token) => ((saidNotSet = false), token),
      (err: unknown) => {
        // Its message is the fix (the command to run); it names the secret, never a value.
        if (err instanceof PurelyMailTokenNotSetError && !saidNotSet) {
          saidNotSet = true;
          logger.error('PurelyMail token not set', { error: err.message });
        }
        throw err;
      },
    );
  const keyId = config.MIGRATION_KMS_KEY_ID;
  return {
    table: createTable(config.TABLE_NAME, {}, logger),
    purelymail: new PurelyMailHttpClient({ baseUrl: config.PURELYMAIL_BASE_URL, token: purelymailToken, timeoutMs: config.PURELYMAIL_TIMEOUT_MS, logger }),
    dnsLookup: new NodeDnsLookup({ servers: config.DNS_SERVERS }),
    // Domain moves: Route 53 only for the hosted zones ops named (ROUTE53_ZONES; IAM grants exactly those), and
    // public resolvers for the old MX and the resolution watch.
    dnsProvider: config.ROUTE53_ZONES && Object.keys(config.ROUTE53_ZONES).length > 0 ? createRoute53DnsProvider({ zones: config.ROUTE53_ZONES }) : null,
    dnsResolvers: config.DNS_WATCH_RESOLVERS.map((server) => createUdpMxResolver(server)),
    scheduler: awsScheduler(config),
    recurringScheduler: awsRecurringScheduler(config),
    // TOTP secrets under the credentials key with their own purpose (the api role may Decrypt `admin-mfa` only).
    mfaSecretBox: keyId ? kmsBoxOnFirstUse(keyId) : { seal: noMfaKey, open: noMfaKey },
    mailer: createSesMailer({ configurationSetName: config.SES_CONFIGURATION_SET }),
    sealer: keyId ? kmsSealerOnFirstUse(keyId) : { seal: notConfigured('MIGRATION_KMS_KEY_ID') },
    queue: config.MIGRATION_QUEUE_URL ? sqsJobQueueOnFirstUse(config.MIGRATION_QUEUE_URL) : { enqueue: notConfigured('MIGRATION_QUEUE_URL') },
    runner: noRunner,
    logReader: config.MIGRATOR_LOG_GROUP_NAME ? cloudWatchRunLogReaderOnFirstUse(config.MIGRATOR_LOG_GROUP_NAME, config.MIGRATOR_LOG_STREAM_PREFIX) : { read: async () => undefined },
    clock: systemClock,
    logger,
  };
}

const deployment = (config: AwsConfig): Deployment => ({ config, sandbox: false, panelUrl: config.APP_ORIGIN, senderIdentities: config.MAIL_FROM_IDENTITIES });

/**
 * The api Lambda: the capabilities and the HTTP edge. The client IP comes from CloudFront's viewer-address header,
 * trusted only with CloudFront's secret origin header (read from the app secret at cold start).
 */
export function composeAwsApi(env: Record<string, string | undefined> = process.env) {
  const config = parseConfig(AwsConfig, env);
  const logger = createJsonLogger({ level: config.LOG_LEVEL });
  const appSecret = cachedAppSecret(secretsManagerOnFirstUse(), config.APP_SECRET_ARN);
  let originSecretValue: string | undefined;
  // Read at cold start, off the request path; until it arrives (or after a failed read) no request is trusted.
  const loadOriginSecret = () => void appSecret.originVerify().then((v) => (originSecretValue = v), () => undefined);
  loadOriginSecret();
  const clientIp = (c: AppContext): string => {
    if (originSecretValue === undefined) loadOriginSecret();
    const event = (c.env as { event?: LambdaEvent } | undefined)?.event;
    const viewer = c.req.header('cloudfront-viewer-address');
    // Constant time: a timing difference must not let a client find the secret character by character.
    const verify = c.req.header('x-origin-verify');
    if (viewer && originSecretValue && verify !== undefined && safeEqual(verify, originSecretValue)) return viewer.replace(/:\d+$/, '');
    return (event?.requestContext as { http?: { sourceIp?: string } } | undefined)?.http?.sourceIp ?? 'unknown';
  };
  const caps = buildCapabilities(awsAdapters(config, logger, appSecret), deployment(config));
  const deps: AppDeps = {
    ...caps,
    logger,
    allowedOrigins: [config.APP_ORIGIN],
    clientIp,
    sessionCookieMaxAgeSeconds: config.SESSION_ABSOLUTE_HOURS * 3600,
    sessionIdleMinutes: config.SESSION_IDLE_MINUTES,
    sandbox: false,
  };
  return { deps, background: caps.background, stores: caps.stores };
}

/** The scheduled Lambda: the same capabilities, no HTTP edge; it runs `background` jobs only. */
export function composeAwsScheduled(env: Record<string, string | undefined> = process.env) {
  const config = parseConfig(AwsConfig, env);
  const logger = createJsonLogger({ level: config.LOG_LEVEL });
  const caps = buildCapabilities(awsAdapters(config, logger, cachedAppSecret(secretsManagerOnFirstUse(), config.APP_SECRET_ARN)), deployment(config));
  return { background: caps.background, logger };
}
