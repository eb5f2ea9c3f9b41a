import type { Logger } from '../../platform/logger.ts';
import type { LocalScheduler } from './local-scheduler.ts';

/** How often the sweeper looks for overdue actions whose timer was lost. */
export const SWEEP_EVERY_MS = 60_000;

interface PendingRunnerDeps {
  scheduler: LocalScheduler;
  pendingActions: {
    executeDue(id: string): Promise<unknown>;
    sweep(): Promise<number>;
    listPending(): Promise<{ id: string; executeAt: string; status: string }[]>;
  };
  logger: Logger;
  sweepEveryMs?: number;
}

/**
 * Runs pending actions in the local process, across restarts:
 * 1. Start the timers (firing calls executeDue).
 * 2. Sweep now for anything overdue (a restart after executeAt), then every minute (a lost timer).
 * 3. Re-arm a timer for every action still pending in the store (timers died with the last process).
 * Returns `stop` and `ready` (resolves when the first sweep is over and the timers are armed).
 */
export function startPendingRunner(deps: PendingRunnerDeps): { ready: Promise<void>; stop(): void } {
  const { scheduler, pendingActions, logger } = deps;
  scheduler.start((id) => pendingActions.executeDue(id));
  let stopped = false;
  let sweeping: Promise<unknown> = Promise.resolve();
  const sweep = () => {
    sweeping = sweeping
      .then(() => (stopped ? 0 : pendingActions.sweep()))
      .then((ran) => {
        if (ran) logger.info('sweeper ran overdue pending actions', { ran });
      })
      .catch((err: unknown) => logger.warn('sweeper failed', { error: (err as Error).message }));
    return sweeping;
  };
  const ready = (async () => {
    // Overdue ones first (so `ready` means they ran), then timers for the rest.
    await sweep();
    try {
      for (const a of await pendingActions.listPending()) {
        if (a.status === 'pending') await scheduler.schedule(a.id, new Date(a.executeAt));
      }
    } catch (err) {
      logger.warn('could not re-arm pending actions; the sweeper will catch them', { error: (err as Error).message });
    }
  })();
  const interval = setInterval(() => void sweep(), deps.sweepEveryMs ?? SWEEP_EVERY_MS);
  interval.unref();
  return {
    ready,
    stop() {
      stopped = true;
      clearInterval(interval);
      scheduler.stop();
    },
  };
}
