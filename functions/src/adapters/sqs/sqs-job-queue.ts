import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { JobQueue } from '../../modules/migrations/ports.ts';

/** The message attribute that marks JobQueue.offer's messages (the dispatch Lambda reads it). */
export const OFFER_ATTRIBUTE = 'offer';

/** SQS as the JobQueue: the body is the run id and nothing else (no credentials, no job data). */
export function createSqsJobQueue(sqs: SQSClient, queueUrl: string): JobQueue {
  return {
    async enqueue(runId, delaySeconds = 0) {
      // SQS takes whole seconds, at most 15 minutes.
      const DelaySeconds = Math.min(900, Math.max(0, Math.ceil(delaySeconds)));
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: runId, ...(DelaySeconds ? { DelaySeconds } : {}) }));
    },
    async offer(runId) {
      // Marked by an attribute, the body stays the bare run id: the dispatcher drops an offer it cannot start.
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: runId, MessageAttributes: { [OFFER_ATTRIBUTE]: { DataType: 'String', StringValue: 'true' } } }));
    },
  };
}

/** The queue with a default SQS client, for a composition root that loads this module on first use. */
export const createDefaultSqsJobQueue = (queueUrl: string): JobQueue => createSqsJobQueue(new SQSClient({}), queueUrl);
