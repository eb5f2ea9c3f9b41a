import { exitClassInfo, isTerminalRunState, type RunOutcome } from '@app/shared';
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import type { FinishRun } from './finish-run.ts';
import type { HandleWorkerGone } from './handle-worker-gone.ts';
import type { MailboxLeaseStore, RunRecord, RunStore, SlotStore, TaskRunner } from './ports.ts';

export interface ReconcilePolicy {
  /** A running run whose heartbeat is older than this is hung (or its worker is gone): it times out. */
  heartbeatStaleMs: number;
  /** A run running longer than this times out, heartbeat or not (the watchdog's maximum duration). */
  maxRunMs: number;
  /** A run still `starting` after this long never got a worker. */
  startTimeoutMs: number;
  /** A slot held for a still-queued run this long belongs to a dispatcher that died mid-way. */
  queuedHoldMs: number;
  /**
   * How long a timed-out run keeps its mailbox lease while its task is being stopped (ECS: the 120 s stop
   * timeout, then SIGKILL); the task-stopped event releases it sooner.
   */
  stopGraceMs: number;
}

const hours = (ms: number) => `${Math.round((ms / 3_600_000) * 10) / 10} h`;
const minutes = (ms: number) => `${Math.round(ms / 60_000)} min`;

/** The end record of a run the watchdog stopped, in the UI's error-class words (exitClassInfo('timed_out')). */
export function timedOutEnd(why: 'max_duration' | 'heartbeat', policy: Pick<ReconcilePolicy, 'maxRunMs' | 'heartbeatStaleMs'>) {
  const info = exitClassInfo('timed_out');
  const detail =
    why === 'max_duration'
      ? `It was still running after the maximum run time (${hours(policy.maxRunMs)}, MIGRATION_MAX_RUN_HOURS).`
      : `Its worker sent no heartbeat for ${minutes(policy.heartbeatStaleMs)}.`;
  const outcome: RunOutcome = { exitClass: 'timed_out', exitCode: null, signal: null, verdictOk: false, stats: null, errors: [], mostFrequentError: null };
  return { outcome, failureReason: `${info.title}: ${detail} ${info.cause} ${info.fix}` };
}

/**
 * The watchdog over every run that holds a slot; called by the dispatcher when all slots look busy and by the
 * periodic sweep. Every effect is one conditional write, so two sweeps at once (or a sweep and a dispatcher)
 * act once.
 * 1. Read the holders  2. For each:
 *    - a missing or ended run → its slot (and lease) are given back
 *    - running longer than the maximum duration, or with a heartbeat older than the limit → one conditional
 *      write running → failed (timed out); only the winner stops the task (ECS StopTask / kill the child);
 *      the slot comes back through finishRun, which also tells the run-end observers (one email); the mailbox
 *      lease stays (draining) until the task-stopped event or the stop grace, so nothing else writes into the
 *      mailbox while the old worker may still be copying
 *    - starting for too long → stop the task (best effort) and treat the worker as gone (interrupted, retried)
 *    - a long-held queued run → release its slot.
 * Returns how many slots came back.
 */
export function makeReconcileSlots(deps: {
  slots: SlotStore;
  runs: RunStore;
  leases: MailboxLeaseStore;
  runner: TaskRunner;
  finishRun: FinishRun;
  handleWorkerGone: HandleWorkerGone;
  clock: Clock;
  logger: Logger;
  policy: ReconcilePolicy;
}) {
  const timeOut = async (run: RunRecord, why: 'max_duration' | 'heartbeat'): Promise<boolean> => {
    const ended = await deps.finishRun(run, 'timedOut', timedOutEnd(why, deps.policy), { holdLeaseMs: deps.policy.stopGraceMs });
    if (!ended) return false;
    deps.logger.warn('migration run timed out', { runId: run.id, why });
    if (run.taskRef) await deps.runner.stop(run.taskRef, ended.failureReason ?? 'timed out').catch((err: unknown) => deps.logger.warn('could not stop a timed-out task', { runId: run.id, error: err }));
    return true;
  };
  return async (): Promise<number> => {
    const now = deps.clock.now().getTime();
    const age = (iso: string | null | undefined) => (iso ? now - Date.parse(iso) : Infinity);
    let freed = 0;
    for (const h of await deps.slots.holders()) {
      const run = await deps.runs.get(h.runId);
      if (!run || isTerminalRunState(run.state)) {
        await deps.slots.release(h.runId);
        // A draining lease is the watchdog's hold while the task stops (a concurrent sweep just timed the run out).
        if (run?.mailboxLease && !(await deps.leases.get(run.mailboxLease))?.draining) await deps.leases.release(run.mailboxLease, run.id);
        freed++;
        continue;
      }
      if (run.state === 'running') {
        const why = age(run.startedAt) > deps.policy.maxRunMs ? 'max_duration' : age(run.heartbeatAt ?? run.startedAt) > deps.policy.heartbeatStaleMs ? 'heartbeat' : undefined;
        if (why && (await timeOut(run, why))) freed++;
        continue;
      }
      if (run.state === 'starting' && age(run.startedAt) > deps.policy.startTimeoutMs) {
        const gone = 'The worker never started.';
        if (run.taskRef) await deps.runner.stop(run.taskRef, gone).catch(() => {});
        await deps.handleWorkerGone(run.id, gone);
        freed++;
        continue;
      }
      if (run.state === 'queued' && age(h.takenAt) > deps.policy.queuedHoldMs) {
        await deps.slots.release(h.runId);
        freed++;
      }
    }
    return freed;
  };
}
export type ReconcileSlots = ReturnType<typeof makeReconcileSlots>;
