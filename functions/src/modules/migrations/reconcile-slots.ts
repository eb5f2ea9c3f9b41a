import { isTerminalRunState } from '@app/shared';
import type { Clock } from '../../platform/clock.ts';
import type { HandleWorkerGone } from './handle-worker-gone.ts';
import type { RunStore, SlotStore, TaskRunner } from './ports.ts';

export interface ReconcilePolicy {
  /** A running run whose heartbeat is older than this has lost its worker. */
  heartbeatStaleMs: number;
  /** A run still `starting` after this long never got a worker. */
  startTimeoutMs: number;
  /** A slot held for a still-queued run this long belongs to a dispatcher that died mid-way. */
  queuedHoldMs: number;
}

/**
 * Gives back slots whose run no longer needs them; called by the dispatcher when all slots look busy.
 * 1. Read the holders  2. For each: a missing or ended run → release; a stale heartbeat or a start that
 * never completed → stop the task (best effort) and treat the worker as gone; a long-held queued run → release.
 * Returns how many slots came back.
 */
export function makeReconcileSlots(deps: { slots: SlotStore; runs: RunStore; runner: TaskRunner; handleWorkerGone: HandleWorkerGone; clock: Clock; policy: ReconcilePolicy }) {
  return async (): Promise<number> => {
    const now = deps.clock.now().getTime();
    const age = (iso: string | null | undefined) => (iso ? now - Date.parse(iso) : Infinity);
    let freed = 0;
    for (const h of await deps.slots.holders()) {
      const run = await deps.runs.get(h.runId);
      let gone: string | undefined;
      if (!run || isTerminalRunState(run.state)) {
        await deps.slots.release(h.runId);
        freed++;
        continue;
      }
      if (run.state === 'running' && age(run.heartbeatAt ?? run.startedAt) > deps.policy.heartbeatStaleMs) gone = 'The worker stopped reporting (lost heartbeat).';
      if (run.state === 'starting' && age(run.startedAt) > deps.policy.startTimeoutMs) gone = 'The worker never started.';
      if (run.state === 'queued' && age(h.takenAt) > deps.policy.queuedHoldMs) {
        await deps.slots.release(h.runId);
        freed++;
        continue;
      }
      if (!gone) continue;
      if (run.taskRef) await deps.runner.stop(run.taskRef, gone).catch(() => {});
      await deps.handleWorkerGone(run.id, gone);
      freed++;
    }
    return freed;
  };
}
