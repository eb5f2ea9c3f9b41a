import { isTerminalRunState } from '@app/shared';
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import type { FinishRun } from './finish-run.ts';
import type { RunStore, SlotStore, TaskRunner } from './ports.ts';

export type DispatchOutcome = { action: 'started'; taskRef: string } | { action: 'skipped'; why: string } | { action: 'retry'; delaySeconds: number; why: string };

/** After this many failed worker starts (no capacity, throttling) the run fails instead of waiting forever. */
export const MAX_DISPATCH_ATTEMPTS = 5;

/**
 * Handles one queue message (a run id). Safe under duplicate deliveries and concurrent dispatchers.
 * 1. Load the run; anything but `queued` means another delivery got there first: skip
 * 2. A cancel asked while queued ends the run here
 * 3. Take a slot under the limit read now (the setting applies without a restart); when full, give back
 *    leaked slots once and try again; still full → retry later with a delay
 * 4. One conditional write queued → starting decides which delivery starts the worker; the loser skips
 *    (and gives the slot back if the run ended meanwhile)
 * 5. Start the worker (idempotent per run id); if that fails, back to queued and the slot is given back.
 */
export function makeDispatchRun(deps: {
  runs: RunStore;
  slots: SlotStore;
  runner: TaskRunner;
  finishRun: FinishRun;
  concurrency: () => Promise<number>;
  reconcile: () => Promise<number>;
  clock: Clock;
  logger: Logger;
  retryDelaySeconds?: number;
}) {
  const delay = deps.retryDelaySeconds ?? 15;
  return async (runId: string): Promise<DispatchOutcome> => {
    const run = await deps.runs.get(runId);
    if (!run) return { action: 'skipped', why: 'no such run' };
    if (run.state !== 'queued') return { action: 'skipped', why: `run is ${run.state}` };
    if (run.cancelRequested) {
      await deps.finishRun(run, 'cancelled', ['queued']);
      return { action: 'skipped', why: 'cancelled while queued' };
    }

    const limit = await deps.concurrency();
    let take = await deps.slots.take(runId, limit, deps.clock.now());
    if (take === 'full' && (await deps.reconcile()) > 0) take = await deps.slots.take(runId, limit, deps.clock.now());
    if (take === 'full') return { action: 'retry', delaySeconds: delay, why: `all ${limit} slots are busy` };

    const starting = await deps.runs.transition(runId, ['queued'], 'starting', { startedAt: deps.clock.now().toISOString() });
    if (!starting) {
      const now = await deps.runs.get(runId);
      if (!now || isTerminalRunState(now.state)) await deps.slots.release(runId);
      return { action: 'skipped', why: `run moved to ${now?.state ?? 'nowhere'} meanwhile` };
    }

    try {
      const { taskRef } = await deps.runner.start(runId);
      await deps.runs.patch(runId, ['starting', 'running'], { taskRef });
      return { action: 'started', taskRef };
    } catch (err) {
      const attempts = (starting.dispatchAttempts ?? 0) + 1;
      deps.logger.warn('migration worker did not start', { runId, attempts, error: err });
      if (attempts >= MAX_DISPATCH_ATTEMPTS) {
        await deps.finishRun(starting, 'failed', ['starting'], { failureReason: `The worker could not be started after ${attempts} attempts (${(err as Error).message}).` });
        return { action: 'skipped', why: 'worker start failed for good' };
      }
      // Free the slot first (no worker started), then back to queued: once queued, another delivery may take
      // a slot and start it, and a release after that would take away the slot it runs under.
      await deps.slots.release(runId);
      await deps.runs.transition(runId, ['starting'], 'queued', { dispatchAttempts: attempts, startedAt: null });
      return { action: 'retry', delaySeconds: delay * attempts, why: 'worker start failed' };
    }
  };
}
export type DispatchRun = ReturnType<typeof makeDispatchRun>;
