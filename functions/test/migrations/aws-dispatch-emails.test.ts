import { ECSClient } from '@aws-sdk/client-ecs';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDynamoAdminStore } from '../../src/adapters/dynamodb/dynamodb-admin-store.ts';
import { createDynamoBatchStore } from '../../src/adapters/dynamodb/dynamodb-batch-store.ts';
import { createDynamoNotificationSettingsStore } from '../../src/adapters/dynamodb/dynamodb-notification-settings-store.ts';
import { startLocalDynamo } from '../../src/adapters/dynamodb/local-dynalite.ts';
import { makeDispatchHandler } from '../../src/entrypoints/dispatch.ts';
import { newBatchId } from '../../src/modules/batches/batch-ids.ts';
import type { JobRecord } from '../../src/modules/migrations/ports.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { emitNowhere } from '../../src/modules/events.ts';
import { composeAwsDispatcher } from '../../src/platform/composition/aws-dispatch.ts';
import { buildMigrationEngine, type MigrationEngine } from '../../src/platform/composition/migration-engine.ts';
import { buildMigrationStores, type MigrationStores } from '../../src/platform/composition/migration-stores.ts';
import { makeJob, quietLogger, testConfig } from './engine-fixture.ts';

const TABLE = 'pm-aws-dispatch-emails';
const ORIGIN = 'https://panel.example.com';

const taskStopped = (runId: string) => ({
  'detail-type': 'ECS Task State Change',
  detail: { lastStatus: 'STOPPED', stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited', overrides: { containerOverrides: [{ environment: [{ name: 'RUN_ID', value: runId }] }] } },
});

/**
 * On AWS runs end inside the worker; the ECS task-stopped event then reaches the dispatch Lambda, whose
 * run-end observer sends the batch summary (or a single job's result) through SES, once per recipient.
 */
describe('dispatch Lambda: run-end emails through SES', () => {
  let dynamo: Awaited<ReturnType<typeof startLocalDynamo>>;
  let stores: MigrationStores;
  // The worker's side: ends runs in its own process, with no observers.
  let worker: MigrationEngine;
  let handle: ReturnType<typeof makeDispatchHandler>;
  const ses = mockClient(SESv2Client);
  const ecs = mockClient(ECSClient);
  const sqs = mockClient(SQSClient);

  beforeAll(async () => {
    dynamo = await startLocalDynamo({ tableName: TABLE });
    Object.assign(process.env, { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint });
    stores = buildMigrationStores(dynamo.table);
    worker = buildMigrationEngine({ stores, queue: { enqueue: async () => undefined }, runner: { start: () => Promise.reject(new Error('no')), stop: async () => undefined, listRunning: async () => [] }, config: testConfig, clock: systemClock, logger: quietLogger, emit: emitNowhere });
    const admins = createDynamoAdminStore(dynamo.table);
    for (const email of ['ops@example.com', 'lead@example.com']) await admins.create({ email, name: email, role: 'owner', passwordHash: 'x', createdAt: new Date().toISOString(), lastLoginAt: null });
    await createDynamoNotificationSettingsStore(dynamo.table).save({ from: null, extraRecipients: ['extra@example.com'], version: 1 }, 0);
    const { engine, queue, logger } = composeAwsDispatcher({
      TABLE_NAME: TABLE,
      MIGRATION_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/jobs',
      ECS_CLUSTER_ARN: 'arn:aws:ecs:eu-west-1:123456789012:cluster/migrator',
      MIGRATOR_TASK_DEFINITION_ARN: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/migrator:1',
      MIGRATOR_SUBNET_IDS: 'subnet-1,subnet-2',
      MIGRATOR_SECURITY_GROUP_IDS: 'sg-1',
      MAIL_FROM: 'panel@example.com',
      APP_ORIGIN: ORIGIN,
      LOG_LEVEL: 'silent',
    });
    handle = makeDispatchHandler({ dispatch: engine.dispatch, handleWorkerGone: engine.handleWorkerGone, sweep: engine.sweep, queue, logger });
  });
  beforeEach(() => {
    ses.reset();
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
  });
  afterAll(async () => {
    ses.restore();
    ecs.restore();
    sqs.restore();
    await dynamo.close();
  });

  /** A run of `job` that the worker started and ended as `to`. */
  const endedRun = async (job: JobRecord, to: 'succeeded' | 'failed') => {
    const run = await worker.queueRun(job, 'full', { createdBy: job.createdBy });
    await stores.runs.transition(run.id, 'dispatched', { startedAt: new Date().toISOString() });
    await stores.runs.transition(run.id, 'workerStarted');
    await worker.finishRun(run, to, to === 'failed' ? { failureReason: 'Authentication failed' } : {});
    return run;
  };
  const sent = () => ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input);

  it('sends the batch summary once per admin and extra recipient when the last job ended, and nothing on a duplicate event', async () => {
    // Prepare: a batch of two jobs, both ended by the worker.
    const jobs = [await makeJob(stores, { name: 'ann' }), await makeJob(stores, { name: 'bob' })];
    const now = new Date();
    const batchId = newBatchId(now);
    const batches = createDynamoBatchStore(dynamo.table);
    await batches.create({ id: batchId, name: 'Acme', origin: 'csv', campaignId: null, mode: 'full', createdAt: now.toISOString(), createdBy: 'test', jobCount: 2, state: 'open', round: 1, finishedAt: null, version: 1 });
    await batches.addMembers(batchId, jobs.map((j) => j.id));
    await endedRun(jobs[0]!, 'succeeded');
    const last = await endedRun(jobs[1]!, 'failed');
    expect(sent()).toEqual([]);
    // Act
    const out = await handle(taskStopped(last.id));
    // Assess: one SendEmail per recipient, from MAIL_FROM, linking to the panel; the batch is finished.
    expect(out).toEqual({ handled: `task of ${last.id} stopped` });
    const mails = sent();
    expect(mails.map((m) => m.Destination?.ToAddresses?.[0]).sort()).toEqual(['extra@example.com', 'lead@example.com', 'ops@example.com']);
    for (const m of mails) {
      expect(m.Destination?.ToAddresses).toHaveLength(1);
      expect(m.FromEmailAddress).toBe('panel@example.com');
      expect(m.Content?.Simple?.Body?.Text?.Data).toContain(ORIGIN);
    }
    // The batch is finished and keeps how many did not succeed (its state reads "finished with 1 failed").
    expect(await batches.get(batchId)).toMatchObject({ state: 'finished', failedJobs: 1, cancelledJobs: 0 });

    // Act: EventBridge delivers the same event again (at-least-once, or a retry after a timeout).
    await handle(taskStopped(last.id));
    // Assess: nothing more.
    expect(sent()).toHaveLength(3);
  });

  it('sends a single job failure once per recipient, and nothing on a duplicate event', async () => {
    const run = await endedRun(await makeJob(stores, { name: 'solo' }), 'failed');
    await handle(taskStopped(run.id));
    await handle(taskStopped(run.id));
    expect(sent().map((m) => m.Destination?.ToAddresses?.[0]).sort()).toEqual(['extra@example.com', 'lead@example.com', 'ops@example.com']);
  });
});
