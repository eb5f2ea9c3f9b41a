import { ConflictException, CreateScheduleCommand, DeleteScheduleCommand, ResourceNotFoundException, SchedulerClient, UpdateScheduleCommand } from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createEventBridgeRecurringScheduler, rateExpression } from '../../src/adapters/scheduler/eventbridge-recurring-scheduler.ts';
import { ScheduledEvent } from '../../src/adapters/scheduler/scheduled-event.ts';

const mock = mockClient(SchedulerClient);
const opts = {
  client: new SchedulerClient({ region: 'eu-west-1' }),
  groupName: 'purelymanage-actions',
  targetArn: 'arn:aws:lambda:eu-west-1:123456789012:function:purelymanage-scheduled',
  roleArn: 'arn:aws:iam::123456789012:role/scheduler-invoke',
  deadLetterArn: 'arn:aws:sqs:eu-west-1:123456789012:scheduler-dlq',
};
const meta = { $metadata: {}, message: 'x', Message: 'x' };
const event = { kind: 'domain-move', domain: 'example.com' } as const;

/** The full definition both commands carry (UpdateSchedule replaces every field, so it is sent whole). */
const definition = (expression: string, extra: Record<string, unknown> = {}) => ({
  Name: 'move-example.com',
  GroupName: 'purelymanage-actions',
  ScheduleExpression: expression,
  FlexibleTimeWindow: { Mode: 'OFF' },
  ...extra,
  State: 'ENABLED',
  Target: {
    Arn: opts.targetArn,
    RoleArn: opts.roleArn,
    Input: '{"kind":"domain-move","domain":"example.com"}',
    RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 20 },
    DeadLetterConfig: { Arn: opts.deadLetterArn },
  },
});

describe('EventBridge recurring schedules (one per domain move)', () => {
  beforeEach(() => mock.reset());

  it('creates one recurring schedule: a rate expression, the same group, target, role, retries and DLQ as the one-time ones', async () => {
    mock.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });
    await createEventBridgeRecurringScheduler(opts).put('move-example.com', { everyMinutes: 360, event });
    const calls = mock.commandCalls(CreateScheduleCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual(definition('rate(6 hours)'));
    expect(mock.commandCalls(UpdateScheduleCommand)).toHaveLength(0);
    // The Lambda's own schema reads the input back.
    expect(ScheduledEvent.parse(JSON.parse(calls[0]!.args[0].input.Target!.Input!))).toEqual(event);
  });

  it('updates the existing schedule when the interval or the stage changes (still one schedule), with an end date when asked', async () => {
    mock.on(CreateScheduleCommand).rejects(new ConflictException(meta));
    mock.on(UpdateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });
    const until = new Date('2026-12-24T00:00:00Z');
    await createEventBridgeRecurringScheduler(opts).put('move-example.com', { everyMinutes: 5, until, event });
    expect(mock.commandCalls(CreateScheduleCommand)).toHaveLength(1);
    const updates = mock.commandCalls(UpdateScheduleCommand);
    expect(updates).toHaveLength(1);
    expect(updates[0]!.args[0].input).toEqual(definition('rate(5 minutes)', { EndDate: until, ActionAfterCompletion: 'DELETE' }));
  });

  it("keeps a job in sync until a date: one CreateSchedule with the job's event, EndDate and deletion after the last firing", async () => {
    mock.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });
    const until = new Date('2026-12-24T18:00:00Z');
    await createEventBridgeRecurringScheduler(opts).put('sync-job_01abc', { everyMinutes: 180, until, event: { kind: 'job-sync', jobId: 'job_01abc' } });
    const calls = mock.commandCalls(CreateScheduleCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({
      ...definition('rate(3 hours)', { EndDate: until, ActionAfterCompletion: 'DELETE' }),
      Name: 'sync-job_01abc',
      Target: { ...definition('').Target, Input: '{"kind":"job-sync","jobId":"job_01abc"}' },
    });
    expect(ScheduledEvent.parse(JSON.parse(calls[0]!.args[0].input.Target!.Input!))).toEqual({ kind: 'job-sync', jobId: 'job_01abc' });
  });

  it('deletes it on cancel or at the end; an absent schedule is the wanted outcome; other errors are thrown', async () => {
    mock.on(DeleteScheduleCommand).resolvesOnce({}).rejectsOnce(new ResourceNotFoundException(meta)).rejectsOnce(new Error('throttled'));
    const s = createEventBridgeRecurringScheduler(opts);
    await s.remove('move-example.com');
    await s.remove('move-example.com');
    await expect(s.remove('move-example.com')).rejects.toThrow('throttled');
    expect(mock.commandCalls(DeleteScheduleCommand).map((c) => c.args[0].input)).toEqual(Array(3).fill({ Name: 'move-example.com', GroupName: 'purelymanage-actions' }));
  });

  it('refuses names and inputs EventBridge or the Lambda would refuse, before calling AWS', async () => {
    const s = createEventBridgeRecurringScheduler(opts);
    await expect(s.put('move example.com', { everyMinutes: 60, event })).rejects.toThrow();
    await expect(s.put('move-x', { everyMinutes: 60, event: { kind: 'domain-move', domain: 'NOT A DOMAIN' } })).rejects.toThrow();
    await expect(s.put('move-x', { everyMinutes: 0, event })).rejects.toThrow(RangeError);
    expect(mock.calls()).toHaveLength(0);
  });

  it('writes rates as the service spells them', () => {
    expect([1, 5, 60, 90, 120, 360, 10_080].map(rateExpression)).toEqual(['rate(1 minute)', 'rate(5 minutes)', 'rate(1 hour)', 'rate(90 minutes)', 'rate(2 hours)', 'rate(6 hours)', 'rate(168 hours)']);
  });
});
