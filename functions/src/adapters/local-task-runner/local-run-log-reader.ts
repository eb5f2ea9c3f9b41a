import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ID_PATTERN } from '../../modules/migrations/ids.ts';
import type { RunLogReader } from '../../modules/migrations/ports.ts';

/** Where the local worker keeps a run's full log. */
export const localRunLogPath = (logDir: string, runId: string) => join(logDir, `${runId}.log`);

/** Reads `<logDir>/<runId>.log`; the id pattern keeps a crafted id from leaving the directory. */
export function createLocalRunLogReader(logDir: string): RunLogReader {
  return {
    async read(runId) {
      if (!ID_PATTERN.test(runId)) return undefined;
      try {
        return await readFile(localRunLogPath(logDir, runId), 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
    },
  };
}
