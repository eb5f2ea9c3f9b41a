import * as z from 'zod';
import type { DispatchOutcome } from '../modules/migrations/dispatch-run.ts';
import { ID_PATTERN } from '../modules/migrations/ids.ts';
import type { JobQueue } from '../modules/migrations/ports.ts';
import type { SweepResult } from '../modules/migrations/sweep-runs.ts';
import { addLambdaContext, type Logger } from '../platform/logger.ts';
import { composeAwsDispatcher } from '../platform/composition/aws-dispatch.ts';

/** An SQS batch from the migration-jobs queue: each body is a run id and nothing else. */
const SqsEvent = z.object({
  Records: z.array(
    z.object({
      messageId: z.string(),
      body: z.string(),
      /** `offer` marks a JobQueue.offer message (sqs-job-queue.ts OFFER_ATTRIBUTE). */
      messageAttributes: z.record(z.string(), z.object({ stringValue: z.string().optional() }).loose()).optional(),
    }),
  ),
});

/** EventBridge "ECS Task State Change" for our worker tasks; only STOPPED matters here. */
const TaskStateChange = z.object({
  'detail-type': z.literal('ECS Task State Change'),
  detail: z.object({
    lastStatus: z.string(),
    taskArn: z.string().optional(),
    stopCode: z.string().optional(),
    stoppedReason: z.string().optional(),
    overrides: z.object({ containerOverrides: z.array(z.object({ environment: z.array(z.object({ name: z.string(), value: z.string() })).optional() })).optional() }).optional(),
  }),
});

/** The watchdog's 5-minute EventBridge rule (constant input, see the migrator stack). */
const SweepEvent = z.object({ kind: z.literal('migration-sweep') });

export interface DispatchDeps {
  dispatch: (runId: string) => Promise<DispatchOutcome>;
  handleWorkerGone: (runId: string, reason: string) => Promise<unknown>;
  /** The watchdog: time out hung or over-long runs and stop tasks no running run accounts for. */
  sweep: () => Promise<SweepResult>;
  queue: JobQueue;
  logger: Logger;
}

/**
 * The "dispatch" Lambda, fed by two sources:
 * - SQS: each message is one dispatch attempt. "All slots busy" sends the id back with a delay and acks the
 *   message (so waiting never counts towards the DLQ), unless the message was an offer (a run ended and offered
 *   the next waiting run at once): that one is dropped, the run's own delayed message is still pending, so
 *   offers never multiply a run's messages; an error reports only that message as failed
 *   (ReportBatchItemFailures); a body that is not a run id is logged and dropped.
 * - ECS task stopped: the run's slot comes back, and a run whose worker never recorded an end becomes
 *   interrupted (and is retried automatically within the limit).
 * - the watchdog rule: one sweep (it must live here: this is the only role that may stop tasks). A failure
 *   throws, so Lambda's async retries apply; every effect of a sweep is a conditional write or an idempotent stop.
 */
export function makeDispatchHandler(deps: DispatchDeps) {
  return async (event: unknown): Promise<{ batchItemFailures: { itemIdentifier: string }[] } | { handled: string }> => {
    const sqs = SqsEvent.safeParse(event);
    if (sqs.success) {
      const batchItemFailures: { itemIdentifier: string }[] = [];
      for (const record of sqs.data.Records) {
        const runId = record.body.trim();
        if (!ID_PATTERN.test(runId) || !runId.startsWith('run_')) {
          deps.logger.warn('migration message dropped: not a run id', { messageId: record.messageId });
          continue;
        }
        const offer = record.messageAttributes?.offer?.stringValue === 'true';
        try {
          const out = await deps.dispatch(runId);
          if (out.action === 'retry' && !offer) await deps.queue.enqueue(runId, out.delaySeconds);
          deps.logger.info('migration dispatch', { runId, offer, ...out });
        } catch (err) {
          deps.logger.error('migration dispatch failed', { runId, error: err });
          batchItemFailures.push({ itemIdentifier: record.messageId });
        }
      }
      return { batchItemFailures };
    }
    if (SweepEvent.safeParse(event).success) {
      const result = await deps.sweep();
      if (result.slotsFreed || result.zombiesStopped.length) deps.logger.warn('migration sweep acted', { ...result });
      return { handled: `sweep: ${result.slotsFreed} slot(s) freed, ${result.zombiesStopped.length} task(s) stopped` };
    }
    const stopped = TaskStateChange.safeParse(event);
    // handleWorkerGone also offers the next waiting run: for a worker that crashed, no one else will.
    if (stopped.success && stopped.data.detail.lastStatus === 'STOPPED') {
      const d = stopped.data.detail;
      const runId = d.overrides?.containerOverrides?.flatMap((o) => o.environment ?? []).find((e) => e.name === 'RUN_ID')?.value;
      if (!runId || !ID_PATTERN.test(runId)) return { handled: 'not a migration task' };
      await deps.handleWorkerGone(runId, `The worker task stopped (${d.stopCode ?? 'unknown'}: ${(d.stoppedReason ?? 'no reason given').slice(0, 200)}).`);
      return { handled: `task of ${runId} stopped` };
    }
    deps.logger.warn('dispatch event ignored: not one we know');
    return { handled: 'ignored' };
  };
}

let handle: ReturnType<typeof makeDispatchHandler> | undefined;
let logger: Logger | undefined;

/** Lambda entry (SQS event source and the EventBridge "task stopped" rule); composed once per execution environment. */
export const handler = async (event: unknown, context?: object) => {
  if (!handle) {
    const composed = composeAwsDispatcher();
    logger = composed.logger;
    handle = makeDispatchHandler({ dispatch: composed.engine.dispatch, handleWorkerGone: composed.engine.handleWorkerGone, sweep: composed.engine.sweep, queue: composed.queue, logger });
  }
  addLambdaContext(logger!, context);
  return handle(event);
};
