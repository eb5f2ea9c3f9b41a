import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DescribeTasksCommand, ECSClient, ListTasksCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import { CreateScheduleCommand, DeleteScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoAdminStore } from '../../src/adapters/dynamodb/dynamodb-admin-store.ts';
import { createDynamoAppPasswordStore } from '../../src/adapters/dynamodb/dynamodb-app-password-store.ts';
import { createDynamoMigrationJobStore } from '../../src/adapters/dynamodb/dynamodb-migration-job-store.ts';
import { createDynamoMigrationRunStore } from '../../src/adapters/dynamodb/dynamodb-migration-run-store.ts';
import { queuedRun } from '../../src/modules/migrations/queued-run.ts';
import { createDynamoBatchStore } from '../../src/adapters/dynamodb/dynamodb-batch-store.ts';
import { createDynamoCampaignStore } from '../../src/adapters/dynamodb/dynamodb-campaign-store.ts';
import { createDynamoNotificationSettingsStore } from '../../src/adapters/dynamodb/dynamodb-notification-settings-store.ts';
import { startLocalDynamo } from '../../src/adapters/dynamodb/local-dynalite.ts';
import { createLocalSecretSealer } from '../../src/adapters/local-secret-box/local-secret-box.ts';
import { grantAllows, stringLike, TABLE_ACCESS, type TableAccess, type TableRuntime } from '../../src/adapters/dynamodb/table-access.ts';
import { makeDispatchHandler } from '../../src/entrypoints/dispatch.ts';
import { makeScheduledHandler } from '../../src/entrypoints/scheduled.ts';
import { createDynamoJobSyncStore } from '../../src/adapters/dynamodb/dynamodb-job-sync-store.ts';
import { createDynamoOffboardingStore } from '../../src/adapters/dynamodb/dynamodb-offboarding-store.ts';
import { createDynamoDomainMoveStore } from '../../src/adapters/dynamodb/dynamodb-domain-move-store.ts';
import { startDnsServer } from '../../src/local/dns-server/dns-server.ts';
import { startSandbox, type Sandbox } from '../../src/local/purelymail-sandbox/sandbox-server.ts';
import { newBatchId } from '../../src/modules/batches/batch-ids.ts';
import { SEALED_KIND, type JobRecord } from '../../src/modules/migrations/ports.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { emitNowhere } from '../../src/modules/events.ts';
import { composeAwsScheduled } from '../../src/platform/composition/aws.ts';
import { composeAwsDispatcher } from '../../src/platform/composition/aws-dispatch.ts';
import { buildMigrationEngine } from '../../src/platform/composition/migration-engine.ts';
import { buildMigrationStores, type MigrationStores } from '../../src/platform/composition/migration-stores.ts';
import { buildTestCapabilities } from '../support/test-capabilities.ts';
import { NodeDnsLookup } from '../../src/adapters/dns/node-dns-lookup.ts';
import { PurelyMailHttpClient } from '../../src/adapters/purelymail/purelymail-http-client.ts';
import { makeJob, quietLogger, testConfig } from '../migrations/engine-fixture.ts';
import { startRecordingDynamo } from '../support/recording-dynamo.ts';
import { FakeClock } from '../support/test-runtime.ts';

const REPO = resolve(import.meta.dirname, '../../..');
const STAND_IN = join(REPO, 'migrator-container/test/stand-in/imapsync');
const TABLE = 'pm-table-access';
const HOUR = 3_600_000;
const SOURCE = 'srv_source0001';
const DEST = 'srv_dest000001';

/** "op key" lines, keys with their ids cut to the prefix (`MIGRUN#…`), for a readable failure. */
const shape = (a: TableAccess) => `${a.index ? `${a.operation} ${a.index}` : a.operation} ${a.key.replace(/#.*/, '#…')}`;
const denied = (runtime: TableRuntime, accesses: TableAccess[]) => [...new Set(accesses.filter((a) => !grantAllows(TABLE_ACCESS[runtime], a)).map(shape))];

/**
 * Least privilege, proven by what each runtime does: every DynamoDB request the worker, the dispatch function and
 * the scheduled function send while doing their work (recorded on the wire, in front of dynalite) must be allowed
 * by their grant in table-access.ts, which the CDK app turns into dynamodb:LeadingKeys conditions. A request the
 * grant misses would be denied on AWS; a grant no flow uses is wider than the code needs.
 */
describe('each runtime touches only the items its IAM grant allows', () => {
  let dynamo: Awaited<ReturnType<typeof startLocalDynamo>>;
  let stores: MigrationStores;
  let dir: string;
  let keyFile: string;
  const seen: Partial<Record<TableRuntime, TableAccess[]>> = {};

  beforeAll(async () => {
    dynamo = await startLocalDynamo({ tableName: TABLE });
    stores = buildMigrationStores(dynamo.table);
    dir = mkdtempSync(join(tmpdir(), 'pm-table-access-'));
    keyFile = join(dir, 'master.key');
    Object.assign(process.env, { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
    const admins = createDynamoAdminStore(dynamo.table);
    for (const email of ['ops@example.com', 'lead@example.com']) await admins.create({ email, name: email, role: 'owner', passwordHash: 'x', createdAt: new Date().toISOString(), lastLoginAt: null });
    const now = new Date().toISOString();
    for (const id of [SOURCE, DEST]) await stores.servers.create({ id, name: id, host: '127.0.0.1', port: 1143, tls: 'none', verifyCert: false, notes: '', createdAt: now, updatedAt: now, version: 1 });
  });
  afterAll(async () => {
    await dynamo.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the worker (its real process, as the Fargate task runs it): run, job, lease and slot items, and the two server profiles', async () => {
    const recorder = await startRecordingDynamo(dynamo.endpoint, { socketPath: join(dir, 'recorder.sock') });
    try {
      const now = new Date().toISOString();
      const sealer = createLocalSecretSealer(keyFile);
      // The dispatcher's side, straight to dynalite: it takes the slot and the mailbox lease and marks the run
      // starting; its task runner here only notes the start, and the test starts the worker process itself.
      const dispatcher = buildMigrationEngine({ stores, queue: { enqueue: async () => undefined }, runner: { start: async () => ({ taskRef: 'task' }), stop: async () => undefined, listRunning: async () => [] }, config: testConfig, clock: systemClock, logger: quietLogger, emit: emitNowhere });
      const work = async (fixture: string, speed: string, during?: (runId: string) => Promise<void>) => {
        const id = `job_access${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
        const job: JobRecord = {
          id,
          name: id,
          source: { serverId: SOURCE, user: 'alice', sealedPassword: await sealer.seal('src-secret', { kind: SEALED_KIND.source, id }) },
          dest: { serverId: DEST, user: `alice-${id}`, sealedPassword: await sealer.seal('dst-secret', { kind: SEALED_KIND.dest, id }) },
          options: { includeFolders: [], excludeFolders: [], maxSizeBytes: null },
          createdAt: now,
          createdBy: 'test',
          updatedAt: now,
          version: 1,
          latestRunId: null,
          activeRunId: null,
        };
        await stores.jobs.create(job);
        const queued = await dispatcher.queueRun(job, 'full', { createdBy: 'test' });
        expect(await dispatcher.dispatch(queued.id)).toMatchObject({ action: 'started' });
        expect((await stores.runs.get(queued.id))!.mailboxLease).toBeTruthy();
        const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'migrator-container/src/main.ts')], {
          cwd: REPO,
          env: {
            PATH: process.env.PATH,
            RUN_ID: queued.id,
            TABLE_NAME: TABLE,
            DYNAMODB_SOCKET: recorder.socketPath,
            MASTER_KEY_FILE: keyFile,
            ALLOW_PRIVATE_IMAP_HOSTS: 'true',
            IMAPSYNC_COMMAND: STAND_IN,
            IMAPSYNC_STANDIN_FIXTURE: fixture,
            IMAPSYNC_STANDIN_SPEED: speed,
            MIGRATION_HEARTBEAT_SECONDS: '0.3',
            LOG_DIR: join(dir, 'logs'),
            WORK_DIR: join(dir, 'work'),
            LOG_LEVEL: 'silent',
          },
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
        await during?.(queued.id);
        expect(await exited, stderr).toBe(0);
        return (await stores.runs.get(queued.id))!;
      };
      expect((await work('01-success', '4')).state).toBe('succeeded');
      expect((await work('03-wrong-source-password', '0')).state).toBe('failed');
      const cancelled = await work('01-success', '0.3', async (runId) => {
        await expect.poll(async () => (await stores.runs.get(runId))?.state, { timeout: 20_000 }).toBe('running');
        await stores.runs.patch(runId, ['running'], { cancelRequested: true });
      });
      expect(cancelled.state).toBe('cancelled');
    } finally {
      await recorder.close();
    }
    seen.worker = recorder.accesses;
    expect(denied('worker', recorder.accesses)).toEqual([]);
  }, 120_000);

  it('the dispatch function (its AWS composition): dispatch, task-stopped events with batch emails, the watchdog sweep', async () => {
    const recorder = await startRecordingDynamo(dynamo.endpoint);
    const ecs = mockClient(ECSClient);
    const sqs = mockClient(SQSClient);
    const ses = mockClient(SESv2Client);
    try {
      process.env.AWS_ENDPOINT_URL_DYNAMODB = recorder.endpoint;
      ecs.on(RunTaskCommand).callsFake((input: { clientToken: string }) => ({ tasks: [{ taskArn: `arn:aws:ecs:eu-west-1:1:task/c/${input.clientToken}` }], failures: [] }));
      ecs.on(ListTasksCommand).resolves({ taskArns: [] });
      ecs.on(DescribeTasksCommand).resolves({ tasks: [] });
      sqs.on(SendMessageCommand).resolves({});
      ses.on(SendEmailCommand).resolves({ MessageId: 'm' });
      await createDynamoNotificationSettingsStore(dynamo.table).save({ from: null, extraRecipients: ['extra@example.com'], version: 1 }, 0);
      const { engine, queue, logger } = composeAwsDispatcher({
        TABLE_NAME: TABLE,
        MIGRATION_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/jobs',
        ECS_CLUSTER_ARN: 'arn:aws:ecs:eu-west-1:1:cluster/c',
        MIGRATOR_TASK_DEFINITION_ARN: 'arn:aws:ecs:eu-west-1:1:task-definition/migrator:1',
        MIGRATOR_SUBNET_IDS: 'subnet-1',
        MIGRATOR_SECURITY_GROUP_IDS: 'sg-1',
        MAIL_FROM: 'panel@example.com',
        APP_ORIGIN: 'https://panel.example.com',
        LOG_LEVEL: 'silent',
      });
      const handle = makeDispatchHandler({ dispatch: engine.dispatch, handleWorkerGone: engine.handleWorkerGone, sweep: engine.sweep, queue, logger });
      // The api's side, straight to dynalite: a batch of two jobs and a single job, each with a queued run.
      const api = buildMigrationEngine({ stores, queue: { enqueue: async () => undefined }, runner: { start: () => Promise.reject(new Error('api')), stop: async () => undefined, listRunning: async () => [] }, config: testConfig, clock: systemClock, logger: quietLogger, emit: emitNowhere });
      // Real servers, so dispatch takes each destination mailbox's lease.
      const jobOf = (name: string) => makeJob(stores, { name, source: { serverId: SOURCE, user: name, sealedPassword: 'v1:local:x:y' }, dest: { serverId: DEST, user: name, sealedPassword: 'v1:local:x:y' } });
      const jobs = [await jobOf('ann'), await jobOf('bob')];
      const solo = await jobOf('solo');
      const batchId = newBatchId(new Date());
      const batches = createDynamoBatchStore(dynamo.table);
      await batches.create({ id: batchId, name: 'Acme', origin: 'csv', campaignId: null, mode: 'full', createdAt: new Date().toISOString(), createdBy: 'test', jobCount: 2, state: 'open', round: 1, finishedAt: null, version: 1 });
      await batches.addMembers(batchId, jobs.map((j) => j.id));
      const runs = [];
      for (const job of [...jobs, solo]) runs.push(await api.queueRun(job, 'full', { createdBy: 'test' }));
      const stopped = (runId: string) => ({ 'detail-type': 'ECS Task State Change', detail: { lastStatus: 'STOPPED', stopCode: 'EssentialContainerExited', overrides: { containerOverrides: [{ environment: [{ name: 'RUN_ID', value: runId }] }] } } });

      // SQS delivers the three run ids: each takes a slot and starts a task.
      expect(await handle({ Records: runs.map((r, i) => ({ messageId: `m${i}`, body: r.id })) })).toEqual({ batchItemFailures: [] });
      // The worker ends two runs itself; the third crashes (its task stops with the run still running).
      for (const [i, to] of [[0, 'succeeded'], [1, 'failed']] as const) {
        await stores.runs.transition(runs[i]!.id, 'workerStarted', { startedAt: new Date().toISOString() });
        await api.finishRun((await stores.runs.get(runs[i]!.id))!, to);
        expect((await stores.runs.get(runs[i]!.id))!.state).toBe(to);
      }
      await stores.runs.transition(runs[2]!.id, 'workerStarted', { startedAt: new Date().toISOString() });
      for (const run of runs) await handle(stopped(run.id));
      expect(ses.commandCalls(SendEmailCommand).length).toBeGreaterThan(0);
      expect((await stores.runs.get(runs[2]!.id))!.state).toBe('interrupted');
      await handle({ kind: 'migration-sweep' });
    } finally {
      delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
      ecs.restore();
      sqs.restore();
      ses.restore();
      await recorder.close();
    }
    seen.dispatch = recorder.accesses;
    expect(denied('dispatch', recorder.accesses)).toEqual([]);
  }, 60_000);

  it('the scheduled function (its AWS composition): a due deletion, the cache refresh, a DNS run, the sweep with the campaign purge, a domain move\'s delta pass, a job kept in sync', async () => {
    const recorder = await startRecordingDynamo(dynamo.endpoint);
    const secrets = mockClient(SecretsManagerClient);
    const scheduler = mockClient(SchedulerClient);
    const ses = mockClient(SESv2Client);
    const sqs = mockClient(SQSClient);
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm' });
    let sandbox: Sandbox | undefined;
    let dns: Awaited<ReturnType<typeof startDnsServer>> | undefined;
    try {
      sandbox = await startSandbox({ token: 'access-token', seed: true });
      const sb = sandbox;
      dns = await startDnsServer({ records: () => sb.dns.list() });
      secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ purelymailToken: 'access-token', originVerify: 'ov' }) });
      scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:s' });
      scheduler.on(DeleteScheduleCommand).resolves({});
      ses.on(SendEmailCommand).resolves({ MessageId: 'm' });
      // The api's side, straight to dynalite, a day ago: a user deletion requested (due now), an ended campaign.
      const past = new FakeClock(Date.now() - 25 * HOUR);
      const apiSide = buildTestCapabilities({
        table: dynamo.table,
        purelymail: new PurelyMailHttpClient({ baseUrl: sb.url, token: 'access-token', sleep: async () => {}, maxRetries: 0 }),
        clock: past,
        logger: quietLogger,
        dnsLookup: new NodeDnsLookup({ servers: [dns.server], timeoutMs: 1_000, tries: 1 }),
        scheduler: { schedule: async () => {}, cancel: async () => {} },
        mfaSecretBox: { seal: () => Promise.reject(new Error('not used')), open: () => Promise.reject(new Error('not used')) },
        mailer: { send: async () => {} },
      }, { panelUrl: 'https://panel.example.com', config: { MAIL_FROM: 'panel@example.com', DNS_TIER_BATCH: 10 } });
      const { action } = await apiSide.deps.pendingActions.requestOnce({ kind: 'delete-user', target: 'noah@northwind.example', label: 'User noah@northwind.example', requestedBy: 'ops@example.com' });
      // That deletion was scheduled by an off-boarding: the run marks its record deleted.
      await createDynamoOffboardingStore(dynamo.table).put({
        address: 'noah@northwind.example', startedBy: 'ops@example.com', startedAt: past.now().toISOString(), forwardTo: null, deleteAfterDays: 1, status: 'scheduled', steps: [],
        deletionActionId: action.id, deletionExecuteAt: action.executeAt, cancelledAt: null, cancelledBy: null, archive: null,
      });
      const ended = new Date(Date.now() - 40 * 24 * HOUR).toISOString();
      await createDynamoCampaignStore(dynamo.table).create({
        id: 'cmp_accesstest0001', name: 'Old campaign', requester: 'IT', message: '', sourceServerId: 'srv_x', destServerId: 'srv_y', destPurelyMail: false, destMode: 'same', destDomain: '',
        tokenHash: 'a'.repeat(64), createdAt: ended, createdBy: 'ops@example.com', expiresAt: ended, deactivatedAt: null, purgeAfterDays: 30, purgedAt: null, submissionCount: 0, batchIds: [], version: 1,
      } as never);
      // A job's app password the panel made a day ago, its job and last run: the sweep reads both and keeps it.
      const jobAt = new Date(Date.now() - 25 * HOUR);
      const sealed = 'v1:test:not-opened';
      await createDynamoMigrationJobStore(dynamo.table).create({
        id: 'job_accesstest0001', name: 'Access', source: { serverId: 'srv_x', user: 'a', sealedPassword: sealed }, dest: { serverId: 'srv_y', user: 'alice@northwind.example', sealedPassword: sealed },
        options: { includeFolders: [], excludeFolders: [], maxSizeBytes: null }, createdAt: jobAt.toISOString(), createdBy: 'ops@example.com', updatedAt: jobAt.toISOString(), version: 1, latestRunId: 'run_accesstest0001', activeRunId: null,
      });
      await createDynamoMigrationRunStore(dynamo.table).create(queuedRun('run_accesstest0001', 'job_accesstest0001', 'full', 'ops@example.com', jobAt));
      await createDynamoAppPasswordStore(dynamo.table).put({
        id: 'apw_accesstest0001', mailbox: 'alice@northwind.example', name: 'PurelyManage migration job Access', purpose: 'migration', createdBy: 'ops@example.com', createdAt: jobAt.toISOString(),
        sealedSecret: sealed, jobId: 'job_accesstest0001', campaignId: null, deleteRequestedAt: null, deleteError: null, deleteAttempts: 0,
      });
      // One whose job is gone: the sweep tries to delete it (no KMS key in this composition, so it records the failure).
      await createDynamoAppPasswordStore(dynamo.table).put({
        id: 'apw_accesstest0002', mailbox: 'alice@northwind.example', name: 'PurelyManage migration job Gone', purpose: 'migration', createdBy: 'ops@example.com', createdAt: jobAt.toISOString(),
        sealedSecret: sealed, jobId: 'job_accesstest0002', campaignId: null, deleteRequestedAt: null, deleteError: null, deleteAttempts: 0,
      });

      // One of a finished batch whose job has no run in progress: the sweep reads the batch (closed → delete; it fails here
      // for want of the KMS key, and is recorded).
      await createDynamoMigrationJobStore(dynamo.table).create({
        id: 'job_accesstest0003', name: 'Batch', source: { serverId: 'srv_x', user: 'b', sealedPassword: sealed }, dest: { serverId: 'srv_y', user: 'bob@northwind.example', sealedPassword: sealed },
        options: { includeFolders: [], excludeFolders: [], maxSizeBytes: null }, createdAt: jobAt.toISOString(), createdBy: 'ops@example.com', updatedAt: jobAt.toISOString(), version: 1, latestRunId: null, activeRunId: null,
      });
      const batchStore = createDynamoBatchStore(dynamo.table);
      await batchStore.create({ id: 'bat_accesstest0001', name: 'Done batch', origin: 'csv', campaignId: null, mode: 'full', createdAt: jobAt.toISOString(), createdBy: 'ops@example.com', jobCount: 1, state: 'finished', round: 1, finishedAt: jobAt.toISOString(), version: 1 });
      await batchStore.addMembers('bat_accesstest0001', ['job_accesstest0003']);
      await createDynamoAppPasswordStore(dynamo.table).put({
        id: 'apw_accesstest0003', mailbox: 'bob@northwind.example', name: 'PurelyManage migration job Batch', purpose: 'migration', createdBy: 'ops@example.com', createdAt: jobAt.toISOString(),
        sealedSecret: sealed, jobId: 'job_accesstest0003', campaignId: null, deleteRequestedAt: null, deleteError: null, deleteAttempts: 0,
      });
      // A domain move in its sync stage whose pass is due: the schedule's firing queues a delta run of its mailbox.
      const moveAt = new Date(Date.now() - 7 * HOUR).toISOString();
      await createDynamoDomainMoveStore(dynamo.table).create({
        domain: 'northwind.example', stage: 'sync', createdAt: moveAt, createdBy: 'ops@example.com', updatedAt: moveAt, source: { kind: 'batch', batchId: 'bat_accesstest0002' }, batchId: 'bat_accesstest0002',
        syncEveryHours: 6, pauseAfterFailures: 3, schedule: { name: 'move-northwind.example', everyMinutes: 360, purpose: 'pass', nextAt: null }, passesDone: 0, lastPassAt: null, oldMx: null,
        dns: { applied: null, appliedAt: null, savedRecords: false, switchedEverywhereAt: null, lastWatch: null }, finalPassAt: null, finishedAt: null, cancelledAt: null,
        mailboxes: [{ address: 'alice@northwind.example', sourceUser: 'a', jobId: 'job_accesstest0001', passes: 1, consecutiveFailures: 0, paused: false, pausedReason: null, lastRun: null, currentRunId: null, skippedReason: null, messagesCopied: 0, bytesCopied: 0, verdict: 'unknown' }],
        next: { action: '', waitingFor: null }, version: 1,
      });
      // A job kept in sync until tomorrow (its schedule item beside the job): the firing queues a full run of it.
      await createDynamoJobSyncStore(dynamo.table).create({
        jobId: 'job_accesstest0003', name: 'sync-job_accesstest0003', everyHours: 6, until: new Date(Date.now() + 24 * HOUR).toISOString(), stopAfterFailures: 3, state: 'active', createdAt: moveAt, createdBy: 'ops@example.com',
        updatedAt: moveAt, nextAt: null, passesDone: 0, consecutiveFailures: 0, lastPassAt: null, lastSkip: null, currentRunId: null, lastRun: null, stoppedAt: null, stoppedReason: null, version: 1,
      });

      process.env.AWS_ENDPOINT_URL_DYNAMODB = recorder.endpoint;
      const { background, logger } = composeAwsScheduled({
        MIGRATION_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/migrations',
        TABLE_NAME: TABLE,
        APP_ORIGIN: 'https://panel.example.com',
        APP_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:1:secret:app',
        PURELYMAIL_BASE_URL: sb.url,
        MAIL_FROM: 'panel@example.com',
        LOG_LEVEL: 'silent',
        DNS_SERVERS: dns.server,
        SCHEDULER_GROUP_NAME: 'g',
        SCHEDULED_FUNCTION_ARN: 'arn:aws:lambda:eu-west-1:1:function:scheduled',
        SCHEDULER_ROLE_ARN: 'arn:aws:iam::1:role/s',
        SCHEDULER_DLQ_ARN: 'arn:aws:sqs:eu-west-1:1:dlq',
      });
      const handler = makeScheduledHandler({ ...background, logger });
      expect(await handler({ kind: 'pending-action', actionId: action.id })).toMatchObject({ result: { outcome: 'done' } });
      expect(await createDynamoOffboardingStore(dynamo.table).get('noah@northwind.example')).toMatchObject({ status: 'deleted' });
      expect(await handler({ kind: 'cache-refresh' })).toMatchObject({ kind: 'cache-refresh' });
      expect(await handler({ kind: 'dns-tier' })).toMatchObject({ kind: 'dns-tier' });
      expect(await handler({ kind: 'sweep' })).toMatchObject({ result: { campaignsPurged: { purged: ['cmp_accesstest0001'] }, appPasswords: { kept: 1, deleted: 0, failed: 2 }, jobSyncs: { ended: 0 } } });
      expect(await handler({ kind: 'domain-move', domain: 'northwind.example' })).toMatchObject({ result: { stage: 'sync', did: 'pass 1: 1 started, 0 skipped' } });
      expect(await handler({ kind: 'job-sync', jobId: 'job_accesstest0003' })).toMatchObject({ kind: 'job-sync', result: { did: expect.stringMatching(/^run run_\w+ queued$/) } });
      expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(2);
    } finally {
      sqs.restore();
      delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
      secrets.restore();
      scheduler.restore();
      ses.restore();
      await sandbox?.close();
      await dns?.close();
      await recorder.close();
    }
    seen.scheduled = recorder.accesses;
    expect(denied('scheduled', recorder.accesses)).toEqual([]);
  }, 60_000);

  it('every grant is used by these flows (none is wider than the code), and sessions, throttles and setup stay the api\'s', () => {
    for (const runtime of Object.keys(TABLE_ACCESS) as TableRuntime[]) {
      const accesses = seen[runtime];
      expect(accesses, `${runtime} was not recorded`).toBeDefined();
      const grant = TABLE_ACCESS[runtime];
      const used = (patterns: readonly string[], match: (a: TableAccess) => boolean) => patterns.filter((p) => !accesses!.some((a) => match(a) && stringLike(p, a.key)));
      const isRead = (a: TableAccess) => !a.index && ['GetItem', 'BatchGetItem', 'Query'].includes(a.operation);
      const isWrite = (a: TableAccess) => !a.index && ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'].includes(a.operation);
      expect(used(grant.read, isRead), `${runtime}: read grants no flow uses`).toEqual([]);
      expect(used(grant.write, isWrite), `${runtime}: write grants no flow uses`).toEqual([]);
      expect(used(grant.indexRead, (a) => Boolean(a.index)), `${runtime}: index grants no flow uses`).toEqual([]);
      // Belt and braces: the grant itself names none of these.
      for (const key of ['SESSION#x', 'THROTTLE#x', 'SETUP', 'MFACHALLENGE#x', 'ADMIN#x@example.com']) {
        expect(grantAllows(grant, { operation: 'GetItem', key }), `${runtime} may read ${key}`).toBe(false);
        expect(grantAllows(grant, { operation: 'PutItem', key }), `${runtime} may write ${key}`).toBe(false);
      }
      expect(grantAllows(grant, { operation: 'Query', index: 'gsi1', key: 'SESSIONS' }), `${runtime} may list sessions`).toBe(false);
      expect(grantAllows(grant, { operation: 'Scan', key: '(none)' }), `${runtime} may scan`).toBe(false);
    }
    // The worker: nothing but migration items.
    expect(seen.worker!.every((a) => /^MIG(RUN|JOB|LEASE|SERVER)#|^MIGSLOTS$/.test(a.key))).toBe(true);
    expect(grantAllows(TABLE_ACCESS.worker, { operation: 'Query', index: 'gsi1', key: 'ADMINS' })).toBe(false);
    expect(grantAllows(TABLE_ACCESS.worker, { operation: 'PutItem', key: 'MIGSERVER#srv_x' })).toBe(false);
  });
});
