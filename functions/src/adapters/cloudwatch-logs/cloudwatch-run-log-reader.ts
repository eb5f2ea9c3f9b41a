import type { CloudWatchLogsClient, GetLogEventsCommandOutput } from '@aws-sdk/client-cloudwatch-logs';
import { once } from '../../platform/once.ts';
import type { RunLogReader } from '../../modules/migrations/ports.ts';

export interface CloudWatchRunLogConfig {
  /** The migrator task definition's log group. */
  logGroupName: string;
  /** The awslogs stream prefix and the container name: a task's stream is `<streamPrefix>/<task id>`. */
  streamPrefix: string;
  /**
   * Stop after about this many bytes, then name the stream for the rest. The API Lambda's response cannot
   * exceed 6 MB (API Gateway buffers it whole); unset means no limit.
   */
  maxBytes?: number;
}

/** The task id at the end of an ECS task ARN (`arn:aws:ecs:…:task/<cluster>/<id>`), or undefined. */
export function ecsTaskId(taskRef: string): string | undefined {
  const id = taskRef.split('/').at(-1) ?? '';
  return /^[A-Za-z0-9-]{1,64}$/.test(id) ? id : undefined;
}

// The CloudWatch Logs SDK is loaded on the first log download, not at every cold start of the API.
const cloudWatchLogsSdk = once(() => import('./cloudwatch-logs-sdk.ts'));

/**
 * Reads a run's full imapsync log from the CloudWatch Logs stream of its Fargate task: GetLogEvents from the
 * head, following nextForwardToken until the same token comes back (the end of the stream), one page at a
 * time so the log is never whole in memory. Each event is one line the worker wrote.
 * @example createCloudWatchRunLogReader(new CloudWatchLogsClient({}), { logGroupName: 'pm-migrator', streamPrefix: 'run/migrator' })
 */
export function createCloudWatchRunLogReader(client: Pick<CloudWatchLogsClient, 'send'> | undefined, cfg: CloudWatchRunLogConfig): RunLogReader {
  return {
    async read(run) {
      const taskId = run.taskRef ? ecsTaskId(run.taskRef) : undefined;
      if (!taskId) return undefined;
      const { CloudWatchLogsClient, GetLogEventsCommand } = await cloudWatchLogsSdk();
      const logs = (client ??= new CloudWatchLogsClient({}));
      const logStreamName = `${cfg.streamPrefix}/${taskId}`;
      const page = (nextToken?: string) => logs.send(new GetLogEventsCommand({ logGroupName: cfg.logGroupName, logStreamName, startFromHead: true, ...(nextToken ? { nextToken } : {}) }));
      let first: GetLogEventsCommandOutput;
      try {
        // The first page is read before answering, so a stream that does not exist (the task never logged,
        // or retention deleted it) is a 404 rather than a download that fails after its headers.
        first = await page();
      } catch (err) {
        if ((err as Error).name === 'ResourceNotFoundException') return undefined;
        throw err;
      }
      return pages(first, page, cfg.maxBytes ?? Infinity, `${cfg.logGroupName} ${logStreamName}`);
    },
  };
}

/** With the default client (region and credentials from the Lambda environment), built on the first read. */
export const createDefaultCloudWatchRunLogReader = (cfg: CloudWatchRunLogConfig): RunLogReader => createCloudWatchRunLogReader(undefined, cfg);

async function* pages(first: GetLogEventsCommandOutput, page: (token: string) => Promise<GetLogEventsCommandOutput>, maxBytes: number, where: string): AsyncGenerator<string> {
  let current = first;
  let sent: string | undefined;
  let bytes = 0;
  for (;;) {
    let text = '';
    for (const e of current.events ?? []) text += `${e.message ?? ''}\n`;
    bytes += Buffer.byteLength(text);
    if (bytes > maxBytes) {
      yield `${text}[PurelyManage] The download stops here (${Math.round(maxBytes / 1024 / 1024)} MiB); the rest is in CloudWatch Logs: ${where}\n`;
      return;
    }
    if (text) yield text;
    const next = current.nextForwardToken;
    // GetLogEvents answers the token it was given when there is nothing further.
    if (!next || next === sent) return;
    sent = next;
    current = await page(next);
  }
}
