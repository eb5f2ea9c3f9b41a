import type { JobQueue } from '../../modules/migrations/ports.ts';
import { once } from '../../platform/once.ts';

/** SQS as the JobQueue, its SDK imported and its client built on the first run queued (starting a run is rare). */
export function sqsJobQueueOnFirstUse(queueUrl: string): JobQueue {
  const load = once(async () => (await import('./sqs-job-queue.ts')).createDefaultSqsJobQueue(queueUrl));
  return { enqueue: async (runId, delaySeconds) => (await load()).enqueue(runId, delaySeconds), offer: async (runId) => (await load()).offer?.(runId) };
}
