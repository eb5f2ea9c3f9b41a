import { DescribeTasksCommand, ECSClient, ListTasksCommand, RunTaskCommand, StopTaskCommand, type Task } from '@aws-sdk/client-ecs';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoAdminStore } from '../../src/adapters/dynamodb/dynamodb-admin-store.ts';
import { createDynamoNotificationSettingsStore } from '../../src/adapters/dynamodb/dynamodb-notification-settings-store.ts';
import { startLocalDynamo } from '../../src/adapters/dynamodb/local-dynalite.ts';
import { createEcsTaskRunner } from '../../src/adapters/ecs/ecs-task-runner.ts';
import { createLocalTaskRunner } from '../../src/adapters/local-task-runner/local-task-runner.ts';
import { makeDispatchHandler } from '../../src/entrypoints/dispatch.ts';
import { mailboxLeaseKey } from '../../src/modules/migrations/mailbox-lease.ts';
import type { JobRecord } from '../../src/modules/migrations/ports.ts';
import { composeAwsDispatcher } from '../../src/platform/composition/aws-dispatch.ts';
import { buildMigrationStores, type MigrationStores } from '../../src/platform/composition/migration-stores.ts';
import { FakeClock } from '../support/test-runtime.ts';
import { buildTestEngine, makeJob, quietLogger, testConfig, waitFor } from './engine-fixture.ts';

const CLUSTER = 'arn:aws:ecs:eu-west-1:123456789012:cluster/migrator';
const taskArn = (name: string) => `arn:aws:ecs:eu-west-1:123456789012:task/migrator/${name}`;
const HOUR = 3_600_000;
// One mock for the file: a second mockClient(ECSClient) would take over the first one's stubs.
const ecs = mockClient(ECSClient);
afterAll(() => ecs.restore());

let n = 0;
async function jobInto(stores: MigrationStores, host: string, user: string): Promise<JobRecord> {
  const now = new Date().toISOString();
  const serverId = `srv_wd${(++n).toString().padStart(8, '0')}`;
  await stores.servers.create({ id: serverId, name: host, host, port: 993, tls: 'ssl', verifyCert: true, notes: '', createdAt: now, updatedAt: now, version: 1 });
  const job = await makeJob(stores, { name: user, source: { serverId: 'srv_source', user: 'src', sealedPassword: 'v1:local:x:y' }, dest: { serverId, user, sealedPassword: 'v1:local:x:y' } });
  return job;
}

describe('ECS runner: listing our running tasks (QM-6 zombies)', () => {
  it('ListTasks by our startedBy over every page, DescribeTasks 100 at a time, RUN_ID from the overrides; stopping or foreign tasks left out', async () => {
    ecs.reset();
    const arns = Array.from({ length: 150 }, (_, i) => taskArn(`t${i}`));
    ecs.on(ListTasksCommand).callsFake((input: { nextToken?: string }) => (input.nextToken ? { taskArns: arns.slice(100) } : { taskArns: arns.slice(0, 100), nextToken: 'page-2' }));
    ecs.on(DescribeTasksCommand).callsFake((input: { tasks: string[] }) => ({
      tasks: input.tasks.map((arn): Task => {
        const i = Number(arn.split('/t')[1]);
        const env = i === 7 ? [] : [{ name: 'RUN_ID', value: `run_task${i.toString().padStart(8, '0')}` }];
        return { taskArn: arn, desiredStatus: i === 3 ? 'STOPPED' : 'RUNNING', overrides: { containerOverrides: [{ name: 'migrator', environment: env }] } };
      }),
    }));
    const runner = createEcsTaskRunner(new ECSClient({ region: 'eu-west-1' }), { cluster: CLUSTER, taskDefinition: 'arn:td:1', containerName: 'migrator', subnets: ['s-1'], securityGroups: ['sg-1'] });
    const running = await runner.listRunning();
    expect(ecs.commandCalls(ListTasksCommand).map((c) => c.args[0].input)).toEqual([
      { cluster: CLUSTER, startedBy: 'purelymanage-dispatch', desiredStatus: 'RUNNING' },
      { cluster: CLUSTER, startedBy: 'purelymanage-dispatch', desiredStatus: 'RUNNING', nextToken: 'page-2' },
    ]);
    expect(ecs.commandCalls(DescribeTasksCommand).map((c) => c.args[0].input)).toEqual([
      { cluster: CLUSTER, tasks: arns.slice(0, 100) },
      { cluster: CLUSTER, tasks: arns.slice(100) },
    ]);
    expect(running).toHaveLength(148);
    expect(running[0]).toEqual({ runId: 'run_task00000000', taskRef: taskArn('t0') });
    expect(running.map((r) => r.taskRef)).not.toContain(taskArn('t3'));
    expect(running.map((r) => r.taskRef)).not.toContain(taskArn('t7'));
  });
});

/**
 * The watchdog on AWS: the dispatch Lambda (the only role that may stop tasks) receives the 5-minute
 * `migration-sweep` event. Hung runs time out (StopTask, failed/timed_out, slot freed, lease kept until the task stops, one email per
 * recipient), tasks without a running run are stopped, and two sweeps at once act once.
 */
describe('watchdog through the dispatch Lambda (QM-6)', () => {
  const TABLE = 'pm-watchdog';
  let dynamo: Awaited<ReturnType<typeof startLocalDynamo>>;
  let stores: MigrationStores;
  let handle: ReturnType<typeof makeDispatchHandler>;
  const ses = mockClient(SESv2Client);
  const sqs = mockClient(SQSClient);

  beforeAll(async () => {
    dynamo = await startLocalDynamo({ tableName: TABLE });
    Object.assign(process.env, { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint });
    stores = buildMigrationStores(dynamo.table);
    const admins = createDynamoAdminStore(dynamo.table);
    for (const email of ['ops@example.com', 'lead@example.com']) await admins.create({ email, name: email, role: 'owner', passwordHash: 'x', createdAt: new Date().toISOString(), lastLoginAt: null });
    await createDynamoNotificationSettingsStore(dynamo.table).save({ from: null, extraRecipients: ['extra@example.com'], version: 1 }, 0);
    const { engine, queue, logger } = composeAwsDispatcher({
      TABLE_NAME: TABLE,
      MIGRATION_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/jobs',
      ECS_CLUSTER_ARN: CLUSTER,
      MIGRATOR_TASK_DEFINITION_ARN: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/migrator:1',
      MIGRATOR_SUBNET_IDS: 'subnet-1,subnet-2',
      MIGRATOR_SECURITY_GROUP_IDS: 'sg-1',
      MAIL_FROM: 'panel@example.com',
      APP_ORIGIN: 'https://panel.example.com',
      LOG_LEVEL: 'silent',
    });
    handle = makeDispatchHandler({ dispatch: engine.dispatch, handleWorkerGone: engine.handleWorkerGone, sweep: engine.sweep, queue, logger });
  });
  afterAll(async () => {
    ses.restore();
    sqs.restore();
    await dynamo.close();
  });

  it('times out a run over the maximum duration and one with a stale heartbeat, stops zombies, and acts once under duplicate sweeps', async () => {
    ecs.reset();
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
    // Two runs dispatched for real (RunTask mocked): each takes a slot and its mailbox's lease.
    const long = await jobInto(stores, 'imap.long.test', 'ann@long.test');
    const silent = await jobInto(stores, 'imap.silent.test', 'bob@silent.test');
    const runs = { long: '', silent: '' };
    for (const [name, job] of [['long', long], ['silent', silent]] as const) {
      const engine = buildTestEngine({ stores, queue: { enqueue: async () => {} }, runner: { start: async () => ({ taskRef: '' }), stop: async () => {}, listRunning: async () => [] }, config: testConfig, clock: { now: () => new Date() }, logger: quietLogger });
      runs[name] = (await engine.queueRun(job, 'full', { createdBy: 'test' })).id;
      ecs.on(RunTaskCommand, { clientToken: runs[name] }).resolves({ tasks: [{ taskArn: taskArn(name) }] });
      expect(await handle({ Records: [{ messageId: `m-${name}`, body: runs[name] }] })).toEqual({ batchItemFailures: [] });
    }
    // The workers report running: one started 13 hours ago and still beats, the other went silent 11 minutes ago.
    const now = Date.now();
    await stores.runs.transition(runs.long, 'workerStarted', { startedAt: new Date(now - 13 * HOUR).toISOString(), heartbeatAt: new Date(now - 5_000).toISOString() });
    await stores.runs.transition(runs.silent, 'workerStarted', { startedAt: new Date(now - HOUR).toISOString(), heartbeatAt: new Date(now - 11 * 60_000).toISOString() });
    // A task whose run succeeded an hour ago, and one for a run that does not exist.
    const done = await jobInto(stores, 'imap.done.test', 'cyd@done.test');
    const finishedEngine = buildTestEngine({ stores, queue: { enqueue: async () => {} }, runner: { start: async () => ({ taskRef: '' }), stop: async () => {}, listRunning: async () => [] }, config: testConfig, clock: { now: () => new Date(now - HOUR) }, logger: quietLogger });
    const finished = await finishedEngine.queueRun(done, 'full', { createdBy: 'test' });
    await stores.runs.transition(finished.id, 'dispatched');
    await stores.runs.transition(finished.id, 'workerStarted');
    await finishedEngine.finishRun(finished, 'succeeded');
    const tasks: Record<string, string> = { [taskArn('long')]: runs.long, [taskArn('silent')]: runs.silent, [taskArn('done')]: finished.id, [taskArn('ghost')]: 'run_ghost0000000000' };
    ecs.on(ListTasksCommand).resolves({ taskArns: Object.keys(tasks) });
    ecs.on(DescribeTasksCommand).callsFake((input: { tasks: string[] }) => ({
      tasks: input.tasks.map((arn) => ({ taskArn: arn, desiredStatus: 'RUNNING', overrides: { containerOverrides: [{ name: 'migrator', environment: [{ name: 'RUN_ID', value: tasks[arn]! }] }] } })),
    }));
    ecs.on(StopTaskCommand).resolves({});
    expect((await stores.slots.holders()).map((h) => h.runId).sort()).toEqual([runs.long, runs.silent].sort());
    const leaseOf = (host: string, user: string) => stores.leases.get(mailboxLeaseKey(host, user).key);
    expect((await leaseOf('imap.long.test', 'ann@long.test'))?.holder).toBe(runs.long);

    // Act: the rule fires twice at once (a retry overlapping the next tick), then once more.
    const [first, second] = await Promise.all([handle({ kind: 'migration-sweep' }), handle({ kind: 'migration-sweep' })]);
    await handle({ kind: 'migration-sweep' });

    // Both hung runs ended once as timed-out failures, in the UI's words, with the limit that applied.
    const longRun = (await stores.runs.get(runs.long))!;
    const silentRun = (await stores.runs.get(runs.silent))!;
    expect([longRun.state, silentRun.state]).toEqual(['failed', 'failed']);
    expect(longRun.outcome?.exitClass).toBe('timed_out');
    expect(silentRun.outcome?.exitClass).toBe('timed_out');
    expect(longRun.failureReason).toBe(
      'Timed out: It was still running after the maximum run time (12 h, MIGRATION_MAX_RUN_HOURS). The run was stopped because it took too long or its worker stopped responding. Retry: messages already copied are skipped. For a very large mailbox, split it with folder filters or raise MIGRATION_MAX_RUN_HOURS.',
    );
    expect(silentRun.failureReason).toMatch(/^Timed out: Its worker sent no heartbeat for 10 min\. /);
    // Between them the two overlapping sweeps freed the two slots once (whichever won each write), and each stopped the two zombies.
    const freed = [first, second].map((r) => /sweep: (\d) slot\(s\) freed, 2 task\(s\) stopped/.exec((r as { handled: string }).handled)?.[1]);
    expect(Number(freed[0]) + Number(freed[1])).toBe(2);

    // Exactly one StopTask per hung task (only the sweep that won the write stops it), with the reason.
    const stops = ecs.commandCalls(StopTaskCommand).map((c) => c.args[0].input);
    expect(stops.filter((s) => s.task === taskArn('long'))).toEqual([{ cluster: CLUSTER, task: taskArn('long'), reason: longRun.failureReason!.slice(0, 255) }]);
    expect(stops.filter((s) => s.task === taskArn('silent'))).toEqual([{ cluster: CLUSTER, task: taskArn('silent'), reason: silentRun.failureReason!.slice(0, 255) }]);
    // Zombies: stopped with a reason on every sweep that saw them (StopTask is idempotent).
    expect(stops.filter((s) => s.task === taskArn('done'))[0]).toEqual({ cluster: CLUSTER, task: taskArn('done'), reason: 'Its migration run is succeeded; nothing should be running for it.' });
    expect(stops.filter((s) => s.task === taskArn('ghost'))[0]).toEqual({ cluster: CLUSTER, task: taskArn('ghost'), reason: 'No migration run exists for this task.' });
    expect(stops.filter((s) => s.task === taskArn('done') || s.task === taskArn('ghost'))).toHaveLength(6);

    // Slots are free and the jobs can be run again, but each mailbox stays leased (draining) while its task is
    // being stopped: for the 3-minute stop grace at most, or until the task-stopped event, whichever is first.
    expect(await stores.slots.holders()).toEqual([]);
    expect((await stores.jobs.get(long.id))!.activeRunId).toBeNull();
    for (const [host, user, runId] of [['imap.long.test', 'ann@long.test', runs.long], ['imap.silent.test', 'bob@silent.test', runs.silent]] as const) {
      const lease = await leaseOf(host, user);
      expect(lease).toMatchObject({ holder: runId, draining: true });
      expect(lease!.until.getTime() - Date.now()).toBeGreaterThan(2 * 60_000);
      expect(lease!.until.getTime() - Date.now()).toBeLessThanOrEqual(3 * 60_000);
    }
    // A new run into the long mailbox waits for the old worker instead of writing beside it; a late heartbeat
    // from the old worker cannot extend the hold (it is told to stop instead).
    const again = await jobInto(stores, 'imap.long.test', 'ann@long.test');
    const engine = buildTestEngine({ stores, queue: { enqueue: async () => {} }, runner: { start: async () => ({ taskRef: 'x' }), stop: async () => {}, listRunning: async () => [] }, config: testConfig, clock: { now: () => new Date() }, logger: quietLogger });
    const next = await engine.queueRun(again, 'full', { createdBy: 'test' });
    expect((await engine.dispatch(next.id)).action).not.toBe('started');
    expect((await stores.runs.get(next.id))!.waitingReason).toMatch(/same mailbox/);
    expect(await stores.leases.renew(mailboxLeaseKey('imap.long.test', 'ann@long.test').key, runs.long, new Date())).toBe(false);
    // The task-stopped events: the old workers are gone, the leases are released, the waiting run starts.
    const stopped = (runId: string) => ({ 'detail-type': 'ECS Task State Change', source: 'aws.ecs', detail: { lastStatus: 'STOPPED', stopCode: 'UserInitiated', stoppedReason: 'Timed out', overrides: { containerOverrides: [{ name: 'migrator', environment: [{ name: 'RUN_ID', value: runId }] }] } } });
    await handle(stopped(runs.long));
    await handle(stopped(runs.silent));
    expect(await leaseOf('imap.silent.test', 'bob@silent.test')).toBeUndefined();
    expect((await engine.dispatch(next.id)).action).toBe('started');
    expect((await leaseOf('imap.long.test', 'ann@long.test'))?.holder).toBe(next.id);
    // The admins heard about each failure once: two runs × three recipients, after three sweeps.
    const mails = ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input);
    expect(mails).toHaveLength(6);
    expect(mails.map((m) => m.Destination?.ToAddresses?.[0]).sort()).toEqual(['extra@example.com', 'extra@example.com', 'lead@example.com', 'lead@example.com', 'ops@example.com', 'ops@example.com']);
    // No automatic retry for a timed-out run.
    expect(longRun.retriedBy).toBeNull();
  });
});

/** Locally the same sweep kills the child process of a hung run, and any child with no running run. */
describe('watchdog with the local runner (QM-6)', () => {
  let dynamo: Awaited<ReturnType<typeof startLocalDynamo>>;
  const dir = mkdtempSync(join(tmpdir(), 'pm-watchdog-'));
  beforeAll(async () => {
    dynamo = await startLocalDynamo({ tableName: 'pm-watchdog-local' });
  });
  afterAll(async () => {
    await dynamo.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a run silent for 10 minutes (fake clock) is timed out and its child killed; a child with no run is killed too', async () => {
    // A "worker" that hangs forever without a heartbeat.
    const entry = join(dir, 'hang.ts');
    writeFileSync(entry, 'setInterval(() => {}, 1000);\n');
    const clock = new FakeClock(Date.now());
    const exits: [string, string | null][] = [];
    let onGone: (runId: string) => void = () => {};
    const runner = createLocalTaskRunner({ entry, cwd: resolve(import.meta.dirname, '..', '..', '..'), env: {}, logger: quietLogger, killGraceMs: 2000, onExit: (id, e) => (exits.push([id, e.signal]), onGone(id)) });
    const stores = buildMigrationStores(dynamo.table);
    const engine = buildTestEngine({ stores, queue: { enqueue: async () => {} }, runner, config: testConfig, clock, logger: quietLogger });
    onGone = (id) => void engine.handleWorkerGone(id, 'The worker process exited.');
    const job = await jobInto(stores, 'imap.local.test', 'dee@local.test');
    const run = await engine.queueRun(job, 'full', { createdBy: 'test' });
    expect((await engine.dispatch(run.id)).action).toBe('started');
    await stores.runs.transition(run.id, 'workerStarted', { heartbeatAt: clock.now().toISOString() });
    await runner.start('run_localghost00000');
    expect(runner.running().sort()).toEqual([run.id, 'run_localghost00000'].sort());

    // Not yet: 10 minutes is the limit, not more than it.
    clock.advance(10 * 60_000);
    expect(await engine.sweep()).toEqual({ slotsFreed: 0, zombiesStopped: ['run_localghost00000'] });
    clock.advance(1);
    expect(await engine.sweep()).toEqual({ slotsFreed: 1, zombiesStopped: [] });
    await waitFor('both children to exit', async () => runner.running().length === 0);
    expect(exits.map(([, signal]) => signal)).toEqual(['SIGTERM', 'SIGTERM']);
    const ended = await waitFor('the exit to be handled', async () => {
      const r = await stores.runs.get(run.id);
      return r?.state === 'failed' && r;
    });
    expect(ended.outcome?.exitClass).toBe('timed_out');
    // The exit that followed changed nothing: still one timed-out failure, no retry, nothing held.
    expect(ended.retriedBy).toBeNull();
    expect(await stores.slots.holders()).toEqual([]);
    expect(await stores.leases.get(mailboxLeaseKey('imap.local.test', 'dee@local.test').key)).toBeUndefined();
    await runner.close();
  });
});
