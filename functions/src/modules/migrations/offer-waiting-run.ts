import { isTerminalRunState } from '@app/shared';
import type { Logger } from '../../platform/logger.ts';
import type { MigrationEvents } from './events.ts';
import type { JobQueue, RunStore, WaitingRunStore } from './ports.ts';

/** How many of the oldest waiting runs are looked at to find one that a freed slot (and mailbox) can start. */
const LOOK_AT = 25;

/**
 * A run ended (RunEnded): its slot (and its mailbox) are free now. Offer the oldest waiting run that can use them
 * at once, instead of leaving the slot idle until that run's delayed re-offer (gaps of 5.5–12.8 s were measured).
 * 1. Only a run that was dispatched held a slot; one that ended while queued freed nothing
 * 2. The oldest waiting runs, oldest first  3. Skip those waiting for another mailbox than the one just freed
 *    (it is still busy)  4. Offer one: the dispatcher still takes the lease and the slot by conditional writes,
 *    so an offer can never break the limit or the one-writer rule; an offer that finds no slot is dropped.
 * One offer per ended run: one run freed one slot. Failures are logged, never thrown (the re-offer still comes).
 */
export function makeOfferWaitingRun(deps: { runs: RunStore; waiting: WaitingRunStore; queue: JobQueue; logger: Logger }) {
  return async ({ runId }: MigrationEvents['RunEnded']): Promise<string | undefined> => {
    const offer = deps.queue.offer?.bind(deps.queue);
    if (!offer) return undefined;
    const run = await deps.runs.get(runId).catch(() => undefined);
    if (!run?.startedAt || !isTerminalRunState(run.state)) return undefined;
    try {
      const waiting = await deps.waiting.oldest(LOOK_AT);
      const next = waiting.find((w) => w.runId !== runId && (w.leaseKey === null || w.leaseKey === run.mailboxLease));
      if (!next) return undefined;
      await offer(next.runId);
      return next.runId;
    } catch (err) {
      deps.logger.warn('waiting run not offered; its delayed re-offer will start it', { runId, error: err });
      return undefined;
    }
  };
}
export type OfferWaitingRun = ReturnType<typeof makeOfferWaitingRun>;
