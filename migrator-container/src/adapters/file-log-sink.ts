import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export interface LogSink {
  line(text: string): void;
  close(): void;
}

/**
 * The run's full log. Locally a file (`.data/logs/<runId>.log`, mode 0600, appended so a retried worker
 * keeps the earlier lines); on AWS stdout, which the awslogs driver ships to CloudWatch.
 * Lines are buffered and written in batches: imapsync can print thousands of lines a second.
 */
export function createFileLogSink(path: string): LogSink {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const fd = openSync(path, 'a', 0o600);
  return batching((chunk) => writeSync(fd, chunk), () => closeSync(fd));
}

export function createStdoutLogSink(): LogSink {
  return batching((chunk) => process.stdout.write(chunk), () => {});
}

function batching(write: (chunk: string) => void, end: () => void): LogSink {
  let buf: string[] = [];
  let size = 0;
  const flush = () => {
    if (!buf.length) return;
    write(buf.join(''));
    buf = [];
    size = 0;
  };
  const timer = setInterval(flush, 500);
  timer.unref();
  return {
    line(text) {
      buf.push(text, '\n');
      size += text.length + 1;
      if (size >= 64 * 1024) flush();
    },
    close() {
      clearInterval(timer);
      flush();
      end();
    },
  };
}
