import { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption, type IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface QueueWithDlqProps {
  /** Must be at least 6× the consumer's function timeout (Lambda's SQS guidance, QM-3). */
  readonly visibilityTimeout: Duration;
  /** Deliveries before a message moves to the DLQ; ≥5 so transient failures retry first. @default 5 */
  readonly maxReceiveCount?: number;
  /** @default Duration.days(4) (the SQS default) */
  readonly retentionPeriod?: Duration;
  /** An existing dead-letter queue (shared with other sources). @default - a new one, kept 14 days */
  readonly deadLetterQueue?: IQueue;
}

/**
 * A standard queue with its dead-letter queue: both encrypted (SSE-SQS, no key to pay for) and TLS-only.
 * The DLQ keeps messages 14 days, longer than the source, because a standard queue keeps each message's
 * original enqueue time when it is moved.
 */
export class QueueWithDlq extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: IQueue;

  constructor(scope: Construct, id: string, props: QueueWithDlqProps) {
    super(scope, id);
    this.deadLetterQueue =
      props.deadLetterQueue ??
      new Queue(this, 'Dlq', {
        retentionPeriod: Duration.days(14),
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
      });
    this.queue = new Queue(this, 'Queue', {
      visibilityTimeout: props.visibilityTimeout,
      retentionPeriod: props.retentionPeriod ?? Duration.days(4),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? 5 },
    });
  }
}
