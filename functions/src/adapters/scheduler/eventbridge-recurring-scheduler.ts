import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { RecurringScheduler } from '../../modules/domain-moves/ports.ts';
import { once } from '../../platform/once.ts';
import type { EventBridgeSchedulerOptions } from './eventbridge-scheduler.ts';
import { ScheduledEvent, ScheduleName } from './scheduled-event.ts';

const named = (err: unknown, name: string, type: new (...args: never[]) => Error) => err instanceof type || (err as { name?: string } | null)?.name === name;

/** `rate(6 hours)`, `rate(5 minutes)`: whole hours when it divides, minutes otherwise (the service's singular for 1). */
export function rateExpression(everyMinutes: number): string {
  if (!Number.isInteger(everyMinutes) || everyMinutes < 1) throw new RangeError(`A recurring schedule needs a whole number of minutes ≥ 1, not ${everyMinutes}.`);
  if (everyMinutes % 60 === 0) {
    const h = everyMinutes / 60;
    return `rate(${h} ${h === 1 ? 'hour' : 'hours'})`;
  }
  return `rate(${everyMinutes} ${everyMinutes === 1 ? 'minute' : 'minutes'})`;
}

/**
 * The RecurringScheduler port on AWS: one recurring EventBridge Scheduler schedule per name (a domain move has one),
 * in the same group, with the same target (the "scheduled" Lambda), role, retry policy and dead-letter queue as the
 * pending actions' one-time schedules. `put` creates it, or updates it when it exists (UpdateSchedule replaces every
 * field, so both send the full definition); `remove` deletes it, an absent one included.
 */
export function createEventBridgeRecurringScheduler(opts: Omit<EventBridgeSchedulerOptions, 'client'> & { client?: SchedulerClient }): RecurringScheduler {
  const load = once(() =>
    import('./scheduler-sdk.ts').then(({ SchedulerClient, ConflictException, CreateScheduleCommand, UpdateScheduleCommand, DeleteScheduleCommand, ResourceNotFoundException }) => ({
      client: opts.client ?? new SchedulerClient({}),
      ConflictException,
      CreateScheduleCommand,
      UpdateScheduleCommand,
      DeleteScheduleCommand,
      ResourceNotFoundException,
    })),
  );
  // A pass a few hours late is harmless, but a lost one must not be silent: an hour of retries, then the DLQ (alarmed).
  const retry = opts.retry ?? { maximumEventAgeInSeconds: 3600, maximumRetryAttempts: 20 };
  return {
    async put(scheduleName, spec) {
      const name = ScheduleName.parse(scheduleName);
      const { client, ConflictException, CreateScheduleCommand, UpdateScheduleCommand } = await load();
      const definition = {
        Name: name,
        GroupName: opts.groupName,
        ScheduleExpression: rateExpression(spec.everyMinutes),
        // A pass every N hours need not be to the minute, but OFF keeps "next pass at" on the page true.
        FlexibleTimeWindow: { Mode: 'OFF' as const },
        // With an end ("keep this job in sync until …"), the service deletes the schedule after its last firing, so
        // nothing stale stays in the group; the job's page reads "ended" from the stored date.
        ...(spec.until ? { EndDate: spec.until, ActionAfterCompletion: 'DELETE' as const } : {}),
        State: 'ENABLED' as const,
        Target: {
          Arn: opts.targetArn,
          RoleArn: opts.roleArn,
          Input: JSON.stringify(ScheduledEvent.parse(spec.event)),
          RetryPolicy: { MaximumEventAgeInSeconds: retry.maximumEventAgeInSeconds, MaximumRetryAttempts: retry.maximumRetryAttempts },
          DeadLetterConfig: { Arn: opts.deadLetterArn },
        },
      };
      try {
        await client.send(new CreateScheduleCommand(definition));
      } catch (err) {
        if (!named(err, 'ConflictException', ConflictException)) throw err;
        await client.send(new UpdateScheduleCommand(definition));
      }
    },
    async remove(scheduleName) {
      const name = ScheduleName.parse(scheduleName);
      const { client, DeleteScheduleCommand, ResourceNotFoundException } = await load();
      try {
        await client.send(new DeleteScheduleCommand({ Name: name, GroupName: opts.groupName }));
      } catch (err) {
        if (!named(err, 'ResourceNotFoundException', ResourceNotFoundException)) throw err;
      }
    },
  };
}
