import { CloudWatchLogsClient, GetLogEventsCommand, ResourceNotFoundException } from '@aws-sdk/client-cloudwatch-logs';
import { serve, type ServerType } from '@hono/node-server';
import type { JobDetail } from '@app/shared';
import { mockClient } from 'aws-sdk-client-mock';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCloudWatchRunLogReader, ecsTaskId } from '../../src/adapters/cloudwatch-logs/cloudwatch-run-log-reader.ts';
import { createApp } from '../../src/http/app.ts';
import { makeRunReads } from '../../src/modules/migrations/migrations-api.ts';
import { makeQueueRun } from '../../src/modules/migrations/queue-run.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { ApiClient } from '../support/api-client.ts';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

const GROUP = 'PurelyManage-prod-Migrator-TaskLogs1A2B3C';
const TASK_ID = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const TASK_ARN = `arn:aws:ecs:eu-west-1:123456789012:task/purelymanage-prod/${TASK_ID}`;
const STREAM = `run/migrator/${TASK_ID}`;

const cw = mockClient(CloudWatchLogsClient);
const events = (...lines: string[]) => lines.map((message, i) => ({ message, timestamp: 1_800_000_000_000 + i, ingestionTime: 1_800_000_000_500 + i }));

/** Three pages; the third answers the token it was given, which is how GetLogEvents says "end of stream". */
function threePages() {
  cw.on(GetLogEventsCommand, { logGroupName: GROUP, logStreamName: STREAM, startFromHead: true })
    .resolves({ events: events('Here is imapsync 2.229 on host stand-in', 'PID is 42 my PPID is 1'), nextForwardToken: 'f/1', nextBackwardToken: 'b/0' });
  cw.on(GetLogEventsCommand, { logGroupName: GROUP, logStreamName: STREAM, startFromHead: true, nextToken: 'f/1' })
    .resolves({ events: events('msg INBOX/1 {1234} copied to INBOX 0.01 msgs/s', 'Detected 0 errors'), nextForwardToken: 'f/2', nextBackwardToken: 'b/1' });
  cw.on(GetLogEventsCommand, { logGroupName: GROUP, logStreamName: STREAM, startFromHead: true, nextToken: 'f/2' })
    .resolves({ events: [], nextForwardToken: 'f/2', nextBackwardToken: 'b/2' });
}

const collect = async (chunks: AsyncIterable<string> | undefined) => {
  if (!chunks) return undefined;
  const out: string[] = [];
  for await (const c of chunks) out.push(c);
  return out;
};

beforeEach(() => cw.reset());
afterAll(() => cw.restore());

describe('createCloudWatchRunLogReader (aws-sdk-client-mock)', () => {
  const reader = () => createCloudWatchRunLogReader(new CloudWatchLogsClient({ region: 'eu-west-1', credentials: { accessKeyId: 't', secretAccessKey: 't' } }), { logGroupName: GROUP, streamPrefix: 'run/migrator' });

  it('reads the task stream from the head, following nextForwardToken until it repeats, one page per chunk', async () => {
    // Prepare
    threePages();
    // Act
    const chunks = await collect(await reader().read({ id: 'run_abc12345', taskRef: TASK_ARN }));
    // Assess
    expect(chunks).toEqual([
      'Here is imapsync 2.229 on host stand-in\nPID is 42 my PPID is 1\n',
      'msg INBOX/1 {1234} copied to INBOX 0.01 msgs/s\nDetected 0 errors\n',
    ]);
    expect(cw.commandCalls(GetLogEventsCommand).map((c) => c.args[0].input)).toEqual([
      { logGroupName: GROUP, logStreamName: STREAM, startFromHead: true },
      { logGroupName: GROUP, logStreamName: STREAM, startFromHead: true, nextToken: 'f/1' },
      { logGroupName: GROUP, logStreamName: STREAM, startFromHead: true, nextToken: 'f/2' },
    ]);
  });

  it('pages lazily: nothing after the first page is read until the consumer asks for it', async () => {
    threePages();
    const chunks = (await reader().read({ id: 'run_abc12345', taskRef: TASK_ARN }))!;
    expect(cw.commandCalls(GetLogEventsCommand)).toHaveLength(1);
    const it = chunks[Symbol.asyncIterator]();
    await it.next();
    expect(cw.commandCalls(GetLogEventsCommand)).toHaveLength(1);
    await it.next();
    expect(cw.commandCalls(GetLogEventsCommand)).toHaveLength(2);
  });

  it('no log: a run without a task makes no call; a missing stream (expired, never written) is undefined', async () => {
    expect(await reader().read({ id: 'run_abc12345', taskRef: null })).toBeUndefined();
    expect(cw.commandCalls(GetLogEventsCommand)).toHaveLength(0);
    cw.on(GetLogEventsCommand).rejects(new ResourceNotFoundException({ message: 'The specified log stream does not exist.', $metadata: {} }));
    expect(await reader().read({ id: 'run_abc12345', taskRef: TASK_ARN })).toBeUndefined();
  });

  it('other errors are not hidden as "no log"', async () => {
    cw.on(GetLogEventsCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await expect(reader().read({ id: 'run_abc12345', taskRef: TASK_ARN })).rejects.toThrow('Rate exceeded');
  });

  it('stops at maxBytes and names the stream that holds the rest', async () => {
    threePages();
    const capped = createCloudWatchRunLogReader(new CloudWatchLogsClient({ region: 'eu-west-1', credentials: { accessKeyId: 't', secretAccessKey: 't' } }), { logGroupName: GROUP, streamPrefix: 'run/migrator', maxBytes: 70 });
    const chunks = await collect(await capped.read({ id: 'run_abc12345', taskRef: TASK_ARN }));
    expect(chunks!.join('')).toBe(
      'Here is imapsync 2.229 on host stand-in\nPID is 42 my PPID is 1\n' +
        'msg INBOX/1 {1234} copied to INBOX 0.01 msgs/s\nDetected 0 errors\n' +
        `[PurelyManage] The download stops here (0 MiB); the rest is in CloudWatch Logs: ${GROUP} ${STREAM}\n`,
    );
    expect(cw.commandCalls(GetLogEventsCommand)).toHaveLength(2);
  });

  it('ecsTaskId takes the id from a task ARN and refuses anything else', () => {
    expect(ecsTaskId(TASK_ARN)).toBe(TASK_ID);
    expect(ecsTaskId('arn:aws:ecs:eu-west-1:1:task/c/../../x y')).toBeUndefined();
    expect(ecsTaskId('')).toBeUndefined();
  });
});

describe('GET /api/migrations/runs/:id/log/download with the CloudWatch reader', () => {
  let t: TestRuntime;
  let server: ServerType;
  let owner: ApiClient;
  let runWithTask: string;
  let runWithoutTask: string;

  beforeAll(async () => {
    t = await startTestRuntime();
    const signedIn = await t.setupOwner();
    const { stores } = t.runtime.migrations;
    const src = await signedIn.json<{ id: string }>(signedIn.post('/api/migrations/servers', { name: 'Old host', host: '127.0.0.1', port: 1143, tls: 'none', verifyCert: false }));
    const newJob = async (name: string) => {
      const detail = await signedIn.json<JobDetail>(signedIn.post('/api/migrations/jobs', { name, source: { serverId: src.id, user: 'a', password: 'p1' }, dest: { serverId: src.id, user: 'b', password: 'p2' }, start: 'none' }));
      return (await stores.jobs.get(detail.job.id))!;
    };
    // Runs as the dispatcher leaves them on AWS: one started as an ECS task, one never started (no task).
    const queueRun = makeQueueRun({ ...stores, queue: { enqueue: async () => {} }, clock: systemClock });
    const started = await queueRun(await newJob('cw started'), 'full', { createdBy: 'test' });
    await stores.runs.transition(started.id, 'dispatched', { taskRef: TASK_ARN });
    runWithTask = started.id;
    runWithoutTask = (await queueRun(await newJob('cw queued'), 'dry', { createdBy: 'test' })).id;

    // The AWS composition's wiring: the same app, with full logs read from CloudWatch Logs.
    const logReader = createCloudWatchRunLogReader(new CloudWatchLogsClient({ region: 'eu-west-1', credentials: { accessKeyId: 't', secretAccessKey: 't' } }), { logGroupName: GROUP, streamPrefix: 'run/migrator' });
    const deps = t.runtime.deps;
    const app = createApp({ ...deps, migrations: { ...deps.migrations, ...makeRunReads({ runs: stores.runs, logReader }) } });
    server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
    });
    owner = new ApiClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    owner.cookie = signedIn.cookie;
  }, 60_000);
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await t?.close();
  });

  it('streams the task stream as an attachment', async () => {
    threePages();
    const res = await owner.get(`/api/migrations/runs/${runWithTask}/log/download`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${runWithTask}.log"`);
    expect(await res.text()).toBe('Here is imapsync 2.229 on host stand-in\nPID is 42 my PPID is 1\nmsg INBOX/1 {1234} copied to INBOX 0.01 msgs/s\nDetected 0 errors\n');
    expect(cw.commandCalls(GetLogEventsCommand).map((c) => c.args[0].input.nextToken)).toEqual([undefined, 'f/1', 'f/2']);
  });

  it('a run that never had a task, or whose stream is gone, is a 404 with a plain message', async () => {
    const never = await owner.get(`/api/migrations/runs/${runWithoutTask}/log/download`);
    expect(never.status).toBe(404);
    expect(await never.json()).toMatchObject({ error: { message: 'This run has no full log: it never started, or its log has expired.' } });
    cw.on(GetLogEventsCommand).rejects(new ResourceNotFoundException({ message: 'The specified log stream does not exist.', $metadata: {} }));
    expect((await owner.get(`/api/migrations/runs/${runWithTask}/log/download`)).status).toBe(404);
    expect((await owner.get('/api/migrations/runs/run_doesnotexist0/log/download')).status).toBe(404);
  });

  it('needs a session', async () => {
    const anonymous = new ApiClient(owner.baseUrl);
    expect((await anonymous.get(`/api/migrations/runs/${runWithTask}/log/download`)).status).toBe(401);
    expect(cw.commandCalls(GetLogEventsCommand)).toHaveLength(0);
  });
});
