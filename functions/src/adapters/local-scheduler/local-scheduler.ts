import type { Scheduler } from '../../modules/pending-actions/ports.ts';
import type { Clock } from '../../platform/clock.ts';

/** setTimeout's longest delay (~24.8 days); longer waits re-arm in steps. */
const MAX_TIMER_MS = 2_147_483_647;

export interface LocalScheduler extends Scheduler {
  /** Starts firing: schedules made before this are armed now. */
  start(fire: (actionId: string) => Promise<unknown>): void;
  /** Clears every timer (shutdown). */
  stop(): void;
  /** Ids with an armed or waiting timer (for tests and diagnostics). */
  scheduled(): string[];
}

/**
 * The Scheduler port in one process: one timer per action. Timers do not survive a restart; the pending
 * runner re-arms them from the store at start, and the sweeper catches anything missed.
 */
export function createLocalScheduler(deps: { clock: Clock; onError?: (actionId: string, err: unknown) => void }): LocalScheduler {
  const due = new Map<string, Date>();
  const timers = new Map<string, NodeJS.Timeout>();
  let fire: ((actionId: string) => Promise<unknown>) | undefined;

  const arm = (id: string) => {
    clearTimeout(timers.get(id));
    const at = due.get(id);
    if (!at || !fire) return;
    const wait = Math.max(0, at.getTime() - deps.clock.now().getTime());
    const timer = setTimeout(() => {
      timers.delete(id);
      if (wait > MAX_TIMER_MS) return arm(id);
      due.delete(id);
      fire?.(id).catch((err: unknown) => deps.onError?.(id, err));
    }, Math.min(wait, MAX_TIMER_MS));
    // A pending deletion must not keep the process alive on shutdown.
    timer.unref();
    timers.set(id, timer);
  };

  return {
    async schedule(actionId, at) {
      due.set(actionId, at);
      arm(actionId);
    },
    async cancel(actionId) {
      clearTimeout(timers.get(actionId));
      timers.delete(actionId);
      due.delete(actionId);
    },
    start(fn) {
      fire = fn;
      for (const id of due.keys()) arm(id);
    },
    stop() {
      fire = undefined;
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
    },
    scheduled: () => [...due.keys()],
  };
}
