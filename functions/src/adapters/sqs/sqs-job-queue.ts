import type { SQSClient } from '@aws-sdk/client-sqs';
import { once } from '../../platform/once.ts';
import type { JobQueue } from '../../modules/migrations/ports.ts';

/** The message attribute that marks JobQueue.offer's messages (the dispatch Lambda reads it). */
export const OFFER_ATTRIBUTE = 'offer';

// The SQS SDK is loaded on the first message (a run queued), not at every cold start of the API.
const sqsSdk = once(() => import('./sqs-sdk.ts'));

/**
 * SQS as the JobQueue: the body is the run id and nothing else (no credentials, no job data).
 * `client`: the client to use; without one, a default client is built on the first message.
 */
export function createSqsJobQueue(client: SQSClient | undefined, queueUrl: string): JobQueue {
  const send = async (input: { QueueUrl: string; MessageBody: string; DelaySeconds?: number; MessageAttributes?: Record<string, { DataType: string; StringValue: string }> }) => {
    const { SQSClient, SendMessageCommand } = await sqsSdk();
    client ??= new SQSClient({});
    await client.send(new SendMessageCommand(input));
  };
  return {
    async enqueue(runId, delaySeconds = 0) {
      // SQS takes whole seconds, at most 15 minutes.
      const DelaySeconds = Math.min(900, Math.max(0, Math.ceil(delaySeconds)));
      await send({ QueueUrl: queueUrl, MessageBody: runId, ...(DelaySeconds ? { DelaySeconds } : {}) });
    },
    async offer(runId) {
      // Marked by an attribute, the body stays the bare run id: the dispatcher drops an offer it cannot start.
      await send({ QueueUrl: queueUrl, MessageBody: runId, MessageAttributes: { [OFFER_ATTRIBUTE]: { DataType: 'String', StringValue: 'true' } } });
    },
  };
}

/** The queue with the default SQS client (region and credentials from the Lambda environment), built on first use. */
export const createDefaultSqsJobQueue = (queueUrl: string): JobQueue => createSqsJobQueue(undefined, queueUrl);
