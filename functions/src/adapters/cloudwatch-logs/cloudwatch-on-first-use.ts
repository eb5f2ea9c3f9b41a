import type { RunLogReader } from '../../modules/migrations/ports.ts';
import { once } from '../../platform/once.ts';

/**
 * Full run logs from the task's CloudWatch Logs stream, the SDK imported on the first download; 4 MiB keeps a
 * download under the 6 MB Lambda response cap.
 */
export function cloudWatchRunLogReaderOnFirstUse(logGroupName: string, streamPrefix: string): RunLogReader {
  const load = once(async () => (await import('./cloudwatch-run-log-reader.ts')).createDefaultCloudWatchRunLogReader({ logGroupName, streamPrefix, maxBytes: 4 * 1024 * 1024 }));
  return { read: async (run) => (await load()).read(run) };
}
