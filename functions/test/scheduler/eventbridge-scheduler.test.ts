import { ConflictException, CreateScheduleCommand, DeleteScheduleCommand, ResourceNotFoundException, SchedulerClient, ValidationException } from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { atExpression, createEventBridgeScheduler } from '../../src/adapters/scheduler/eventbridge-scheduler.ts';
import { ScheduledEvent } from '../../src/adapters/scheduler/scheduled-event.ts';

const mock = mockClient(SchedulerClient);
const opts = {
  client: new SchedulerClient({ region: 'eu-west-1' }),
  groupName: 'purelymanage-pending',
  targetArn: 'arn:aws:lambda:eu-west-1:123456789012:function:scheduled',
  roleArn: 'arn:aws:iam::123456789012:role/scheduler-invoke',
  deadLetterArn: 'arn:aws:sqs:eu-west-1:123456789012:scheduler-dlq',
};
const meta = { $metadata: {}, message: 'x', Message: 'x' };

describe('EventBridge Scheduler adapter', () => {
  beforeEach(() => mock.reset());

  it('creates one one-time UTC schedule named after the action, deleting itself, with retries and a DLQ', async () => {
    // Prepare
    mock.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });
    // Act
    await createEventBridgeScheduler(opts).schedule('pa-0123abcd', new Date('2026-11-22T09:30:00.250Z'));
    // Assess
    const calls = mock.commandCalls(CreateScheduleCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({
      Name: 'pa-0123abcd',
      GroupName: 'purelymanage-pending',
      ScheduleExpression: 'at(2026-11-22T09:30:01)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      State: 'ENABLED',
      Target: {
        Arn: opts.targetArn,
        RoleArn: opts.roleArn,
        Input: '{"kind":"pending-action","actionId":"pa-0123abcd"}',
        RetryPolicy: { MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 185 },
        DeadLetterConfig: { Arn: opts.deadLetterArn },
      },
    });
    // The input the Lambda receives passes the entry point's own schema.
    expect(ScheduledEvent.parse(JSON.parse(calls[0]!.args[0].input.Target!.Input!))).toEqual({ kind: 'pending-action', actionId: 'pa-0123abcd' });
  });

  it('keeps the retry policy inside the service limits when configured', async () => {
    mock.on(CreateScheduleCommand).resolves({});
    await createEventBridgeScheduler({ ...opts, retry: { maximumEventAgeInSeconds: 3600, maximumRetryAttempts: 10 } }).schedule('pa-1', new Date('2026-11-22T09:30:00Z'));
    const target = mock.commandCalls(CreateScheduleCommand)[0]!.args[0].input.Target!;
    expect(target.RetryPolicy).toEqual({ MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 10 });
  });

  it('treats an existing schedule of the same name as success (one schedule)', async () => {
    mock.on(CreateScheduleCommand).rejects(new ConflictException(meta));
    await expect(createEventBridgeScheduler(opts).schedule('pa-dup', new Date('2026-11-22T09:30:00Z'))).resolves.toBeUndefined();
    expect(mock.commandCalls(CreateScheduleCommand)).toHaveLength(1);
  });

  it('passes other errors on, so the caller can fall back on the sweeper', async () => {
    mock.on(CreateScheduleCommand).rejects(new ValidationException(meta));
    await expect(createEventBridgeScheduler(opts).schedule('pa-bad', new Date('2026-11-22T09:30:00Z'))).rejects.toThrow(ValidationException);
  });

  it('refuses an action id that cannot be a schedule name, before calling AWS', async () => {
    await expect(createEventBridgeScheduler(opts).schedule('pa/../x', new Date())).rejects.toThrow();
    await expect(createEventBridgeScheduler(opts).schedule('x'.repeat(65), new Date())).rejects.toThrow();
    expect(mock.calls()).toHaveLength(0);
  });

  it('cancels by deleting the schedule in the group', async () => {
    mock.on(DeleteScheduleCommand).resolves({});
    await createEventBridgeScheduler(opts).cancel('pa-0123abcd');
    expect(mock.commandCalls(DeleteScheduleCommand).map((c) => c.args[0].input)).toEqual([{ Name: 'pa-0123abcd', GroupName: 'purelymanage-pending' }]);
  });

  it('cancelling a schedule that is already gone is not an error', async () => {
    mock.on(DeleteScheduleCommand).rejects(new ResourceNotFoundException(meta));
    await expect(createEventBridgeScheduler(opts).cancel('pa-fired')).resolves.toBeUndefined();
  });

  it('passes other delete errors on', async () => {
    mock.on(DeleteScheduleCommand).rejects(new ValidationException(meta));
    await expect(createEventBridgeScheduler(opts).cancel('pa-x')).rejects.toThrow(ValidationException);
  });

  it('formats at() in UTC without milliseconds, never before the requested instant', () => {
    expect(atExpression(new Date('2026-01-02T03:04:05.000Z'))).toBe('at(2026-01-02T03:04:05)');
    expect(atExpression(new Date('2026-01-02T03:04:05.001Z'))).toBe('at(2026-01-02T03:04:06)');
  });
});
