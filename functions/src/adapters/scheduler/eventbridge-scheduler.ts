import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { Scheduler } from '../../modules/pending-actions/ports.ts';
import { ScheduledEvent, ScheduleName } from './scheduled-event.ts';
import { once } from '../../platform/once.ts';

export interface EventBridgeSchedulerOptions {
  client?: SchedulerClient;
  /** A dedicated schedule group, so listing and alarms cover our schedules only. */
  groupName: string;
  /** The "scheduled" Lambda's ARN. */
  targetArn: string;
  /** The role EventBridge Scheduler assumes to invoke the target (lambda:InvokeFunction only). */
  roleArn: string;
  /** A standard SQS queue that receives events whose delivery failed after every retry. */
  deadLetterArn: string;
  /** Default 24 h and 185 attempts, the service's maximum: a deletion must not be dropped by a throttle. */
  retry?: { maximumEventAgeInSeconds: number; maximumRetryAttempts: number };
}

const named = (err: unknown, name: string, type: new (...args: never[]) => Error) => err instanceof type || (err as { name?: string } | null)?.name === name;

/** `at(yyyy-mm-ddThh:mm:ss)` in UTC, rounded up to the second so it never fires before `at`. */
export const atExpression = (at: Date): string => `at(${new Date(Math.ceil(at.getTime() / 1000) * 1000).toISOString().slice(0, 19)})`;

/**
 * The Scheduler port on AWS: one one-time schedule per pending action, named after the action id, that
 * invokes the "scheduled" Lambda once at `at` and then deletes itself.
 */
export function createEventBridgeScheduler(opts: EventBridgeSchedulerOptions): Scheduler {
  // The Scheduler SDK is loaded and its client built on the first schedule or cancel, not at every cold start.
  const load = once(() =>
    import('./scheduler-sdk.ts').then(({ SchedulerClient, ConflictException, CreateScheduleCommand, DeleteScheduleCommand, ResourceNotFoundException }) => ({
      client: opts.client ?? new SchedulerClient({}),
      ConflictException,
      CreateScheduleCommand,
      DeleteScheduleCommand,
      ResourceNotFoundException,
    })),
  );
  const retry = opts.retry ?? { maximumEventAgeInSeconds: 86_400, maximumRetryAttempts: 185 };
  return {
    async schedule(actionId, at) {
      const name = ScheduleName.parse(actionId);
      const { client, ConflictException, CreateScheduleCommand } = await load();
      try {
        await client.send(
          new CreateScheduleCommand({
            Name: name,
            GroupName: opts.groupName,
            ScheduleExpression: atExpression(at),
            ScheduleExpressionTimezone: 'UTC',
            // A promised "24 h" delay must not drift by a flexible window.
            FlexibleTimeWindow: { Mode: 'OFF' },
            ActionAfterCompletion: 'DELETE',
            State: 'ENABLED',
            Target: {
              Arn: opts.targetArn,
              RoleArn: opts.roleArn,
              Input: JSON.stringify(ScheduledEvent.parse({ kind: 'pending-action', actionId: name })),
              RetryPolicy: { MaximumEventAgeInSeconds: retry.maximumEventAgeInSeconds, MaximumRetryAttempts: retry.maximumRetryAttempts },
              DeadLetterConfig: { Arn: opts.deadLetterArn },
            },
          }),
        );
      } catch (err) {
        // The name is the action id, so a second create (a retried request) is one schedule. No ClientToken:
        // it would also answer "created" after the schedule fired and deleted itself, when we re-arm.
        if (!named(err, 'ConflictException', ConflictException)) throw err;
      }
    },
    async cancel(actionId) {
      const name = ScheduleName.parse(actionId);
      const { client, DeleteScheduleCommand, ResourceNotFoundException } = await load();
      try {
        await client.send(new DeleteScheduleCommand({ Name: name, GroupName: opts.groupName }));
      } catch (err) {
        // Already fired (ActionAfterCompletion: DELETE) or cancelled before: the wanted outcome.
        if (!named(err, 'ResourceNotFoundException', ResourceNotFoundException)) throw err;
      }
    },
  };
}
