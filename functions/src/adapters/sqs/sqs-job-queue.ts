import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { JobQueue } from '../../modules/migrations/ports.ts';

/** SQS as the JobQueue: the body is the run id and nothing else (no credentials, no job data). */
export function createSqsJobQueue(sqs: SQSClient, queueUrl: string): JobQueue {
  return {
    async enqueue(runId, delaySeconds = 0) {
      // SQS takes whole seconds, at most 15 minutes.
      const DelaySeconds = Math.min(900, Math.max(0, Math.ceil(delaySeconds)));
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: runId, ...(DelaySeconds ? { DelaySeconds } : {}) }));
    },
  };
}

/** The queue with a default SQS client, for a composition root that loads this module on first use. */
export const createDefaultSqsJobQueue = (queueUrl: string): JobQueue => createSqsJobQueue(new SQSClient({}), queueUrl);
