import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ID_PATTERN } from '../../modules/migrations/ids.ts';
import type { RunLogReader } from '../../modules/migrations/ports.ts';

/** Where the local worker keeps a run's full log. */
export const localRunLogPath = (logDir: string, runId: string) => join(logDir, `${runId}.log`);

/** Streams `<logDir>/<runId>.log`; the id pattern keeps a crafted id from leaving the directory. */
export function createLocalRunLogReader(logDir: string): RunLogReader {
  return {
    async read(run) {
      if (!ID_PATTERN.test(run.id)) return undefined;
      const path = localRunLogPath(logDir, run.id);
      try {
        // Checked first so a missing file is "no log" (404), not a download that breaks after its headers.
        await stat(path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
      return createReadStream(path, { encoding: 'utf8' }) as AsyncIterable<string>;
    },
  };
}
