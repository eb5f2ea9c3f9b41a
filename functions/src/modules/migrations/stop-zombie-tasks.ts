import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import type { RunStore, TaskRunner } from './ports.ts';

/** A worker whose run ended this recently may still be writing its last lines and exiting on its own. */
export const ZOMBIE_GRACE_MS = 5 * 60_000;

/**
 * No zombies: every worker the runner reports alive must belong to a run that is starting or running.
 * 1. List the live workers (ECS ListTasks + DescribeTasks by our startedBy; locally the child map)
 * 2. For each, read its run: starting/running → fine; ended within the grace → left to exit by itself;
 *    missing, queued, or ended long ago → stop it (StopTask / kill), with the reason in the stop call.
 * Stopping is idempotent (ECS ignores a second StopTask, a dead child ignores a kill), so duplicate sweeps are harmless.
 * Returns the run ids whose workers were stopped.
 */
export function makeStopZombieTasks(deps: { runner: TaskRunner; runs: RunStore; clock: Clock; logger: Logger; graceMs?: number }) {
  const grace = deps.graceMs ?? ZOMBIE_GRACE_MS;
  return async (): Promise<string[]> => {
    const stopped: string[] = [];
    for (const task of await deps.runner.listRunning()) {
      const run = await deps.runs.get(task.runId);
      if (run && (run.state === 'starting' || run.state === 'running')) continue;
      if (run?.endedAt && deps.clock.now().getTime() - Date.parse(run.endedAt) < grace) continue;
      const why = run ? `Its migration run is ${run.state}; nothing should be running for it.` : 'No migration run exists for this task.';
      deps.logger.warn('stopping a worker with no running run', { runId: task.runId, taskRef: task.taskRef, state: run?.state ?? null });
      await deps.runner.stop(task.taskRef, why);
      stopped.push(task.runId);
    }
    return stopped;
  };
}
export type StopZombieTasks = ReturnType<typeof makeStopZombieTasks>;
