import type { ReconcileSlots } from './reconcile-slots.ts';
import type { StopZombieTasks } from './stop-zombie-tasks.ts';

export interface SweepResult {
  /** Slots given back (timed-out, never-started, ended or abandoned runs). */
  slotsFreed: number;
  /** Runs whose worker was alive with no running run, and was stopped. */
  zombiesStopped: string[];
}

/**
 * The migration watchdog's periodic pass (AWS: a 5-minute EventBridge rule on the dispatch function, the only
 * role that may stop tasks; locally: a timer in the same process as the runner).
 * 1. Reconcile the slot holders: time out hung or over-long runs (stop + failed, slot and lease freed, observers told)
 * 2. Then stop workers that no starting/running run accounts for (a timed-out run's task whose StopTask failed
 *    is caught here once the grace after its end has passed).
 */
export function makeSweepRuns(deps: { reconcile: ReconcileSlots; stopZombies: StopZombieTasks }) {
  return async (): Promise<SweepResult> => {
    const slotsFreed = await deps.reconcile();
    const zombiesStopped = await deps.stopZombies();
    return { slotsFreed, zombiesStopped };
  };
}
export type SweepRuns = ReturnType<typeof makeSweepRuns>;
