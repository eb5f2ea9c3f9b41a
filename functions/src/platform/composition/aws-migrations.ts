import { ECSClient } from '@aws-sdk/client-ecs';
import * as z from 'zod/mini';
import { createTable, type Table } from '../../adapters/dynamodb/table.ts';
import { createEcsTaskRunner } from '../../adapters/ecs/ecs-task-runner.ts';
import { createSesMailer } from '../../adapters/ses/ses-mailer.ts';
import type { MigrationsApi } from '../../modules/migrations/migrations-api.ts';
import type { JobQueue, RunLogReader, TaskRunner } from '../../modules/migrations/ports.ts';
import type { SecretSealer } from '../../modules/secrets/ports.ts';
import { systemClock } from '../clock.ts';
import { EnvSpec, envVar, parseConfig, type AwsConfig, type ConfigOf } from '../config.ts';
import { createJsonLogger, type Logger } from '../logger.ts';
import { once } from '../once.ts';
import { buildMigrationEngine, buildMigrationsApi, buildMigrationStores } from './build-migrations.ts';
import { buildBatchesFinish } from './build-batches-finish.ts';
import { buildNotifier } from './build-notifier.ts';
import { buildMigrationFeature, type MigrationFeature, type MigrationFeatureCore } from './build-migration-feature.ts';

const notConfigured = (what: string) => () => Promise.reject(new Error(`${what} is not configured for this deployment.`));

// The API never starts or stops tasks itself: that is the dispatch Lambda's job.
const noRunner: TaskRunner = { start: notConfigured('Starting workers from the API'), stop: notConfigured('Stopping workers from the API'), listRunning: notConfigured('Listing workers from the API') };

/** The API Lambda's migrations: KMS seal-only (GenerateDataKey), SQS for run ids, logs in CloudWatch (not served). */
/** KMS seal-only (GenerateDataKey under the migration key): jobs and campaign submissions share it. */
export const awsSealer = (config: AwsConfig): SecretSealer =>
  config.MIGRATION_KMS_KEY_ID ? lazyKmsSealer(config.MIGRATION_KMS_KEY_ID) : { seal: notConfigured('MIGRATION_KMS_KEY_ID') };

// The KMS and SQS SDKs are loaded, and their clients built, on first use (saving a password, starting a run):
// esbuild keeps modules that are only imported dynamically out of the cold start.
function lazyKmsSealer(keyId: string): SecretSealer {
  const load = once(async () => (await import('../../adapters/kms/kms-secret-sealer.ts')).createDefaultKmsSecretSealer(keyId));
  return { seal: async (plaintext, context) => (await load()).seal(plaintext, context) };
}
function lazySqsJobQueue(queueUrl: string): JobQueue {
  const load = once(async () => (await import('../../adapters/sqs/sqs-job-queue.ts')).createDefaultSqsJobQueue(queueUrl));
  return { enqueue: async (runId, delaySeconds) => (await load()).enqueue(runId, delaySeconds), offer: async (runId) => (await load()).offer?.(runId) };
}

// Full run logs come from the task's CloudWatch Logs stream; 4 MiB keeps a download under the 6 MB Lambda response cap.
function lazyCloudWatchRunLogReader(logGroupName: string, streamPrefix: string): RunLogReader {
  const load = once(async () => (await import('../../adapters/cloudwatch-logs/cloudwatch-run-log-reader.ts')).createDefaultCloudWatchRunLogReader({ logGroupName, streamPrefix, maxBytes: 4 * 1024 * 1024 }));
  return { read: async (run) => (await load()).read(run) };
}

/** The api's migration feature on AWS; aws.ts loads this module on first use, off the cold start. */
export function buildAwsMigrationFeature(core: MigrationFeatureCore, config: AwsConfig, table: Table, logger: Logger): MigrationFeature {
  return buildMigrationFeature(core, { migrations: composeAwsMigrationsApi(config, table, logger), campaignSealer: awsSealer(config) });
}

export function composeAwsMigrationsApi(config: AwsConfig, table: Table, logger: Logger): MigrationsApi {
  const sealer = awsSealer(config);
  const queue: JobQueue = config.MIGRATION_QUEUE_URL ? lazySqsJobQueue(config.MIGRATION_QUEUE_URL) : { enqueue: notConfigured('MIGRATION_QUEUE_URL') };
  const engine = buildMigrationEngine({ stores: buildMigrationStores(table), queue, runner: noRunner, config, clock: systemClock, logger });
  return buildMigrationsApi({
    stores: buildMigrationStores(table),
    engine,
    sealer,
    logReader: config.MIGRATOR_LOG_GROUP_NAME ? lazyCloudWatchRunLogReader(config.MIGRATOR_LOG_GROUP_NAME, config.MIGRATOR_LOG_STREAM_PREFIX) : { read: async () => undefined },
    allowPrivateImapHosts: config.ALLOW_PRIVATE_IMAP_HOSTS,
    extraImapPorts: config.MIGRATION_EXTRA_IMAP_PORTS,
    clock: systemClock,
  });
}

const { required, optional, withDefault, csv, int, num, text } = envVar;

/** The dispatch Lambda's environment (set by the migrator stack). */
export const DispatchConfig = new EnvSpec({
  TABLE_NAME: required(text(3)),
  MIGRATION_QUEUE_URL: required(text(1)),
  ECS_CLUSTER_ARN: required(text(1)),
  MIGRATOR_TASK_DEFINITION_ARN: required(text(1)),
  MIGRATOR_CONTAINER_NAME: withDefault(text(1), 'migrator'),
  MIGRATOR_SUBNET_IDS: required(csv),
  MIGRATOR_SECURITY_GROUP_IDS: required(csv),
  MIGRATOR_CAPACITY_PROVIDER: optional(() => z.enum(['FARGATE', 'FARGATE_SPOT'])),
  /** The task definition's CPU architecture: with ARM64 the dispatcher never asks for FARGATE_SPOT, which cannot run it. */
  MIGRATOR_CPU_ARCHITECTURE: withDefault(() => z.enum(['ARM64', 'X86_64']), 'ARM64'),
  MIGRATION_CONCURRENCY: int(1, 50, 4),
  MIGRATION_MAX_ATTEMPTS: int(1, 10, 3),
  MIGRATION_RETRY_DELAY_SECONDS: num(0, 900, 30),
  MIGRATION_HEARTBEAT_SECONDS: num(1, 300, 15),
  /** Run-end emails (batch summaries, single-job results): the sender unless Settings override it, the panel's URL for links. */
  MAIL_FROM: required(text(3)),
  APP_ORIGIN: required(() => z.url()),
  /** SES v2 configuration set for notification emails (bounce and complaint tracking), optional. */
  SES_CONFIGURATION_SET: optional(text(1)),
  LOG_LEVEL: withDefault(() => z.enum(['debug', 'info', 'warn', 'error', 'silent']), 'info'),
  /** Watchdog (the periodic sweep): maximum run time, and how old a running run's heartbeat may get. */
  MIGRATION_MAX_RUN_HOURS: num(0.1, 168, 12),
  MIGRATION_HEARTBEAT_TIMEOUT_MINUTES: num(1, 1440, 10),
});
export type DispatchConfig = ConfigOf<typeof DispatchConfig>;

/**
 * The dispatch Lambda's engine: SQS (for delayed re-offers and retries) and ECS RunTask/StopTask. Runs end in
 * the worker, and the task-stopped event reaches handleWorkerGone here: the batch observer sends the run-end
 * emails through SES (once per event and recipient, like the API's).
 */
export function composeAwsDispatcher(env: Record<string, string | undefined> = process.env) {
  const config = parseConfig(DispatchConfig, env);
  const logger = createJsonLogger({ level: config.LOG_LEVEL });
  const queue = lazySqsJobQueue(config.MIGRATION_QUEUE_URL);
  const runner = createEcsTaskRunner(new ECSClient({}), {
    cluster: config.ECS_CLUSTER_ARN,
    taskDefinition: config.MIGRATOR_TASK_DEFINITION_ARN,
    containerName: config.MIGRATOR_CONTAINER_NAME,
    subnets: config.MIGRATOR_SUBNET_IDS,
    securityGroups: config.MIGRATOR_SECURITY_GROUP_IDS,
    capacityProvider: config.MIGRATOR_CAPACITY_PROVIDER,
    cpuArchitecture: config.MIGRATOR_CPU_ARCHITECTURE,
  });
  const table = createTable(config.TABLE_NAME, {}, logger);
  const engine = buildMigrationEngine({ stores: buildMigrationStores(table), queue, runner, config: { ...config, ALLOW_PRIVATE_IMAP_HOSTS: false }, clock: systemClock, logger });
  const mail = { table, clock: systemClock, logger, panelUrl: config.APP_ORIGIN };
  const { notify, mailSettings } = buildNotifier({ ...mail, mailer: createSesMailer({ configurationSetName: config.SES_CONFIGURATION_SET }), mailFrom: config.MAIL_FROM });
  engine.onRunEnded(buildBatchesFinish({ ...mail, notify, mailSettings, maxAttempts: config.MIGRATION_MAX_ATTEMPTS }).onRunEnded);
  return { engine, queue, logger, config };
}
