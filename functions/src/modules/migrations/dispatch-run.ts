import { isTerminalRunState } from '@app/shared';
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import type { FinishRun } from './finish-run.ts';
import { WAITING_FOR_MAILBOX, type DestinationOf } from './mailbox-lease.ts';
import type { MailboxLeaseStore, RunStore, SlotStore, TaskRunner, WaitingRunStore } from './ports.ts';

export type DispatchOutcome = { action: 'started'; taskRef: string } | { action: 'skipped'; why: string } | { action: 'retry'; delaySeconds: number; why: string };

/** After this many failed worker starts (no capacity, throttling) the run fails instead of waiting forever. */
export const MAX_DISPATCH_ATTEMPTS = 5;

/**
 * Handles one queue message (a run id). Safe under duplicate deliveries and concurrent dispatchers.
 * 1. Load the run; anything but `queued` means another delivery got there first: skip
 * 2. A cancel asked while queued ends the run here
 * 3. One writer per destination mailbox: take its lease (held until the worker's first heartbeat can be
 *    expected, then renewed by every heartbeat). Another live run holds it → stay queued with a visible reason
 *    and come back when that lease would expire at the latest; a holder that already ended (its release was
 *    lost) gives it up here
 * 4. Take a slot under the limit read now (the setting applies without a restart); when full, give back
 *    leaked slots once and try again; still full → give the lease back, retry later with a delay
 * 5. One conditional write queued → starting decides which delivery starts the worker; the loser skips
 *    (and gives the slot and lease back if the run ended meanwhile)
 * 6. Start the worker (idempotent per run id); if that fails, back to queued, slot and lease given back.
 * A run sent back to wait (step 3 or 4) is put on the wait list, so the end of another run can offer it at once;
 * it leaves the list when it starts or is found no longer queued.
 */
export function makeDispatchRun(deps: {
  runs: RunStore;
  slots: SlotStore;
  leases: MailboxLeaseStore;
  waiting: WaitingRunStore;
  destinationOf: DestinationOf;
  /** How long a fresh lease holds before the worker's heartbeats take over (the start timeout). */
  leaseHoldMs: number;
  /** How far each heartbeat pushes the lease: two heartbeats, so a dead holder is replaced within two. */
  leaseRenewMs: number;
  runner: TaskRunner;
  finishRun: FinishRun;
  concurrency: () => Promise<number>;
  reconcile: () => Promise<number>;
  clock: Clock;
  logger: Logger;
  retryDelaySeconds?: number;
}) {
  const delay = deps.retryDelaySeconds ?? 15;
  /** Takes the run's mailbox lease; returns the lease that keeps it waiting, if any. */
  const takeLease = async (dest: { key: string; mailbox: string }, runId: string) => {
    const at = deps.clock.now();
    const first = await deps.leases.acquire(dest.key, runId, at, deps.leaseHoldMs, deps.leaseRenewMs, dest.mailbox);
    if (first.ok) return undefined;
    // A holder that already ended lost its release (a crash between writes): take the lease over from it,
    // unless the lease is draining (the watchdog ended that run while its worker is still being stopped).
    if (first.lease.draining) return first.lease;
    const holder = first.lease.holder ? await deps.runs.get(first.lease.holder) : undefined;
    if (first.lease.holder && holder && !isTerminalRunState(holder.state)) return first.lease;
    if (first.lease.holder) await deps.leases.release(dest.key, first.lease.holder);
    const again = await deps.leases.acquire(dest.key, runId, at, deps.leaseHoldMs, deps.leaseRenewMs, dest.mailbox);
    return again.ok ? undefined : again.lease;
  };
  return async (runId: string): Promise<DispatchOutcome> => {
    const run = await deps.runs.get(runId);
    if (!run || run.state !== 'queued' || run.cancelRequested) await deps.waiting.remove(runId);
    if (!run) return { action: 'skipped', why: 'no such run' };
    if (run.state !== 'queued') return { action: 'skipped', why: `run is ${run.state}` };
    if (run.cancelRequested) {
      await deps.finishRun(run, 'cancelled');
      return { action: 'skipped', why: 'cancelled while queued' };
    }

    const dest = await deps.destinationOf(run);
    if (dest) {
      const busy = await takeLease(dest, runId);
      if (busy) {
        if (run.waitingReason !== WAITING_FOR_MAILBOX) await deps.runs.patch(runId, ['queued'], { waitingReason: WAITING_FOR_MAILBOX });
        await deps.waiting.add({ runId, leaseKey: dest.key });
        const untilExpiry = Math.max(1, Math.ceil((busy.until.getTime() - deps.clock.now().getTime()) / 1000));
        return { action: 'retry', delaySeconds: Math.min(delay, untilExpiry), why: `waiting for another migration into the same mailbox (${busy.holder})` };
      }
    }
    const giveLeaseBack = async () => {
      if (dest) await deps.leases.release(dest.key, runId);
    };

    const limit = await deps.concurrency();
    let take = await deps.slots.take(runId, limit, deps.clock.now());
    if (take === 'full' && (await deps.reconcile()) > 0) take = await deps.slots.take(runId, limit, deps.clock.now());
    if (take === 'full') {
      // Holding a mailbox while waiting for a slot would only make its other runs wait too.
      await giveLeaseBack();
      await deps.waiting.add({ runId, leaseKey: null });
      return { action: 'retry', delaySeconds: delay, why: `all ${limit} slots are busy` };
    }

    const starting = await deps.runs.transition(runId, 'dispatched', { startedAt: deps.clock.now().toISOString(), mailboxLease: dest?.key ?? null, waitingReason: null });
    await deps.waiting.remove(runId);
    if (!starting) {
      const now = await deps.runs.get(runId);
      if (!now || isTerminalRunState(now.state)) {
        await deps.slots.release(runId);
        await giveLeaseBack();
      }
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
        await deps.finishRun(starting, 'startGaveUp', { failureReason: `The worker could not be started after ${attempts} attempts (${(err as Error).message}).` });
        return { action: 'skipped', why: 'worker start failed for good' };
      }
      // Free the slot first (no worker started), then back to queued: once queued, another delivery may take
      // a slot and start it, and a release after that would take away the slot it runs under.
      await deps.slots.release(runId);
      await giveLeaseBack();
      await deps.runs.transition(runId, 'startFailed', { dispatchAttempts: attempts, startedAt: null });
      return { action: 'retry', delaySeconds: delay * attempts, why: 'worker start failed' };
    }
  };
}
export type DispatchRun = ReturnType<typeof makeDispatchRun>;
