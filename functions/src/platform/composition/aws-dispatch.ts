import { ECSClient } from '@aws-sdk/client-ecs';
import { createDynamoBatchJobReader } from '../../adapters/dynamodb/dynamodb-batch-job-reader.ts';
import { createDynamoBatchStore } from '../../adapters/dynamodb/dynamodb-batch-store.ts';
import { createTable } from '../../adapters/dynamodb/table.ts';
import { createEcsTaskRunner } from '../../adapters/ecs/ecs-task-runner.ts';
import { createSesMailer } from '../../adapters/ses/ses-mailer.ts';
import { sqsJobQueueOnFirstUse } from '../../adapters/sqs/sqs-on-first-use.ts';
import { makeBatchFinish, makeLoadBatch } from '../../modules/batches/batch-finish.ts';
import type { MigrationEvents } from '../../modules/migrations/events.ts';
import { systemClock } from '../clock.ts';
import { DispatchConfig } from '../config/dispatch-config.ts';
import { parseConfig } from '../config/parse-config.ts';
import { createEventBus } from '../events.ts';
import { createJsonLogger } from '../logger.ts';
import { buildMigrationEngine } from './migration-engine.ts';
import { buildMigrationStores } from './migration-stores.ts';
import { buildNotifications } from './notifications.ts';
import { subscribeRunEnded } from './subscriptions.ts';

/**
 * The dispatch Lambda: the run engine alone, over SQS (delayed re-offers, retries) and ECS RunTask/StopTask. Runs end
 * in the worker; the task-stopped event reaches handleWorkerGone here, and RunEnded has the same subscribers as in
 * the app (subscriptions.ts): the next waiting run is offered, and the run-end emails go out through SES (once per
 * event and recipient, like the api's).
 */
export function composeAwsDispatcher(env: Record<string, string | undefined> = process.env) {
  const config = parseConfig(DispatchConfig, env);
  const logger = createJsonLogger({ level: config.LOG_LEVEL });
  const clock = systemClock;
  const table = createTable(config.TABLE_NAME, {}, logger);
  const queue = sqsJobQueueOnFirstUse(config.MIGRATION_QUEUE_URL);
  const runner = createEcsTaskRunner(new ECSClient({}), {
    cluster: config.ECS_CLUSTER_ARN,
    taskDefinition: config.MIGRATOR_TASK_DEFINITION_ARN,
    containerName: config.MIGRATOR_CONTAINER_NAME,
    subnets: config.MIGRATOR_SUBNET_IDS,
    securityGroups: config.MIGRATOR_SECURITY_GROUP_IDS,
    capacityProvider: config.MIGRATOR_CAPACITY_PROVIDER,
    cpuArchitecture: config.MIGRATOR_CPU_ARCHITECTURE,
  });
  const events = createEventBus<MigrationEvents>(logger);
  const engine = buildMigrationEngine({ stores: buildMigrationStores(table), queue, runner, config, clock, logger, emit: events.emit });
  const { notify, mailSettings } = buildNotifications({ table, mailer: createSesMailer({ configurationSetName: config.SES_CONFIGURATION_SET }), clock, logger, panelUrl: config.APP_ORIGIN, mailFrom: config.MAIL_FROM });
  const store = createDynamoBatchStore(table);
  const reader = createDynamoBatchJobReader(table);
  const batches = makeBatchFinish({ store, reader, load: makeLoadBatch({ store, reader }), notify, mailSettings, clock, logger, panelUrl: config.APP_ORIGIN, maxAttempts: config.MIGRATION_MAX_ATTEMPTS });
  subscribeRunEnded(events, { offerWaitingRun: engine.offerWaitingRun, batches });
  return { engine, queue, logger, config };
}
