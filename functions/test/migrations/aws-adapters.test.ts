import { ECSClient, RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createEcsTaskRunner, SpotArchitectureError, TaskStartError } from '../../src/adapters/ecs/ecs-task-runner.ts';
import { createSqsJobQueue } from '../../src/adapters/sqs/sqs-job-queue.ts';
import { makeDispatchHandler } from '../../src/entrypoints/dispatch.ts';
import type { DispatchOutcome } from '../../src/modules/migrations/dispatch-run.ts';
import { quietLogger } from './engine-fixture.ts';

const RUN = 'run_mwq0twxr4e995d7be6cb24d5aac5';

describe('SQS job queue', () => {
  const sqs = mockClient(SQSClient);
  afterEach(() => sqs.reset());

  it('sends the run id as the whole body, with a whole-second delay when asked', async () => {
    const q = createSqsJobQueue(new SQSClient({ region: 'eu-west-1' }), 'https://sqs.eu-west-1.amazonaws.com/1/migration-jobs');
    await q.enqueue(RUN);
    await q.enqueue(RUN, 0.2);
    await q.enqueue(RUN, 5000);
    expect(sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input)).toEqual([
      { QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/1/migration-jobs', MessageBody: RUN },
      { QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/1/migration-jobs', MessageBody: RUN, DelaySeconds: 1 },
      { QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/1/migration-jobs', MessageBody: RUN, DelaySeconds: 900 },
    ]);
  });

  it('an offer is the bare run id, now, marked by a message attribute (SendMessage needs no other permission)', async () => {
    const q = createSqsJobQueue(new SQSClient({ region: 'eu-west-1' }), 'https://sqs.eu-west-1.amazonaws.com/1/migration-jobs');
    await q.offer!(RUN);
    expect(sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input)).toEqual([
      { QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/1/migration-jobs', MessageBody: RUN, MessageAttributes: { offer: { DataType: 'String', StringValue: 'true' } } },
    ]);
  });
});

describe('ECS task runner', () => {
  const ecs = mockClient(ECSClient);
  afterEach(() => ecs.reset());
  const cfg = { cluster: 'arn:cluster', taskDefinition: 'arn:taskdef:3', containerName: 'migrator', subnets: ['subnet-a', 'subnet-b'], securityGroups: ['sg-1'] };

  it('RunTask: clientToken = run id, overrides hold only RUN_ID, public IP in two subnets; StopTask with a reason', async () => {
    ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: 'arn:task/1' }], failures: [] });
    const runner = createEcsTaskRunner(new ECSClient({ region: 'eu-west-1' }), cfg);
    expect(await runner.start(RUN)).toEqual({ taskRef: 'arn:task/1' });
    const input = ecs.commandCalls(RunTaskCommand)[0]!.args[0].input;
    expect(input.clientToken).toBe(RUN);
    expect(input.overrides).toEqual({ containerOverrides: [{ name: 'migrator', environment: [{ name: 'RUN_ID', value: RUN }] }] });
    expect(input).toMatchObject({ cluster: 'arn:cluster', taskDefinition: 'arn:taskdef:3', count: 1, launchType: 'FARGATE' });
    expect(input.networkConfiguration).toEqual({ awsvpcConfiguration: { subnets: ['subnet-a', 'subnet-b'], securityGroups: ['sg-1'], assignPublicIp: 'ENABLED' } });

    await runner.stop('arn:task/1', 'cancel requested');
    expect(ecs.commandCalls(StopTaskCommand)[0]!.args[0].input).toEqual({ cluster: 'arn:cluster', task: 'arn:task/1', reason: 'cancel requested' });
  });

  it('asks for the capacity provider it is given, and refuses FARGATE_SPOT for ARM64 tasks (Spot cannot run them)', async () => {
    ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: 'arn:task/2' }], failures: [] });
    await createEcsTaskRunner(new ECSClient({ region: 'eu-west-1' }), { ...cfg, capacityProvider: 'FARGATE_SPOT', cpuArchitecture: 'X86_64' }).start(RUN);
    const input = ecs.commandCalls(RunTaskCommand)[0]!.args[0].input;
    expect(input.capacityProviderStrategy).toEqual([{ capacityProvider: 'FARGATE_SPOT', weight: 1 }]);
    expect(input.launchType).toBeUndefined();
    for (const arm of [{ cpuArchitecture: 'ARM64' as const }, {}]) {
      expect(() => createEcsTaskRunner(new ECSClient({ region: 'eu-west-1' }), { ...cfg, ...arm, capacityProvider: 'FARGATE_SPOT' })).toThrow(SpotArchitectureError);
    }
    expect(ecs.commandCalls(RunTaskCommand)).toHaveLength(1);
  });

  it('a RunTask answer with failures and no task is an error (the dispatcher re-queues the run)', async () => {
    ecs.on(RunTaskCommand).resolves({ tasks: [], failures: [{ reason: 'Capacity is unavailable at this time' }] });
    const runner = createEcsTaskRunner(new ECSClient({ region: 'eu-west-1' }), cfg);
    await expect(runner.start(RUN)).rejects.toBeInstanceOf(TaskStartError);
  });
});

describe('dispatch Lambda entry (QM-2)', () => {
  const make = (dispatch: (id: string) => Promise<DispatchOutcome>) => {
    const sent: [string, number | undefined][] = [];
    const gone: [string, string][] = [];
    const handler = makeDispatchHandler({ dispatch, handleWorkerGone: async (id, why) => void gone.push([id, why]), sweep: async () => ({ slotsFreed: 0, zombiesStopped: [] }), queue: { enqueue: async (id, d) => void sent.push([id, d]) }, logger: quietLogger });
    return { handler, sent, gone };
  };

  it('reports only the failed messages, re-offers busy ones with a delay, drops bodies that are not run ids', async () => {
    const { handler, sent } = make(async (id) => {
      if (id.endsWith('bad0')) throw new Error('ThrottlingException');
      if (id.endsWith('busy')) return { action: 'retry', delaySeconds: 15, why: 'all 4 slots are busy' };
      return { action: 'started', taskRef: 'arn:task/x' };
    });
    const out = await handler({
      Records: [
        { messageId: 'm1', body: `${RUN}` },
        { messageId: 'm2', body: 'run_mwq0twxr4e995d7be6cbbad0' },
        { messageId: 'm3', body: '{"not":"a run id"}' },
        { messageId: 'm4', body: 'run_mwq0twxr4e995d7be6cbbusy' },
      ],
    });
    expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }] });
    expect(sent).toEqual([['run_mwq0twxr4e995d7be6cbbusy', 15]]);
  });

  it('an offer that finds no room is dropped, not sent back: the run\'s own delayed message is still pending', async () => {
    const { handler, sent } = make(async () => ({ action: 'retry', delaySeconds: 15, why: 'all 1 slots are busy' }));
    const offer = { offer: { stringValue: 'true', stringListValues: [], binaryListValues: [], dataType: 'String' } };
    const out = await handler({ Records: [{ messageId: 'm1', body: RUN, messageAttributes: offer }, { messageId: 'm2', body: 'run_mwq0twxr4e995d7be6cbbusy', messageAttributes: {} }] });
    expect(out).toEqual({ batchItemFailures: [] });
    expect(sent).toEqual([['run_mwq0twxr4e995d7be6cbbusy', 15]]);
  });

  it('an ECS "task stopped" event for a worker hands its run to handleWorkerGone; other tasks are ignored', async () => {
    const { handler, gone } = make(async () => ({ action: 'skipped', why: '' }));
    const event = (env: { name: string; value: string }[]) => ({
      'detail-type': 'ECS Task State Change',
      source: 'aws.ecs',
      detail: { lastStatus: 'STOPPED', stopCode: 'SpotInterruption', stoppedReason: 'Your Spot Task was interrupted.', taskArn: 'arn:task/9', overrides: { containerOverrides: [{ name: 'migrator', environment: env }] } },
    });
    expect(await handler(event([{ name: 'RUN_ID', value: RUN }]))).toEqual({ handled: `task of ${RUN} stopped` });
    expect(gone).toEqual([[RUN, 'The worker task stopped (SpotInterruption: Your Spot Task was interrupted.).']]);
    expect(await handler(event([]))).toEqual({ handled: 'not a migration task' });
    expect(await handler({ hello: 'world' })).toEqual({ handled: 'ignored' });
  });
});
