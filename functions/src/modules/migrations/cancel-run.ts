import type { Clock } from '../../platform/clock.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import type { FinishRun } from './finish-run.ts';
import type { RunRecord, RunStore } from './ports.ts';

/**
 * Cancel.
 * 1. A queued run ends as cancelled right away (one conditional write)
 * 2. A starting or running run gets `cancelRequested`; its worker sees it with its next heartbeat and stops
 *    imapsync gracefully (abort file, then SIGTERM, then SIGKILL); `signalWorker` may also tell it at once
 * 3. An ended run cannot be cancelled.
 */
export function makeCancelRun(deps: { runs: RunStore; finishRun: FinishRun; clock: Clock; signalWorker?: (run: RunRecord) => Promise<void> }) {
  return async (runId: string): Promise<RunRecord> => {
    const run = await deps.runs.get(runId);
    if (!run) throw new NotFoundError('There is no such run.');
    if (run.state === 'queued') {
      const ended = await deps.finishRun(run, 'cancelled', { cancelRequested: true });
      if (ended) return ended;
    }
    const flagged = await deps.runs.patch(runId, ['starting', 'running'], { cancelRequested: true });
    if (!flagged) throw new ConflictError('This run has already ended.', 'run_ended');
    await deps.signalWorker?.(flagged).catch(() => {});
    return flagged;
  };
}
