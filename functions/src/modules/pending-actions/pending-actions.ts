import { randomBytes } from 'node:crypto';
import type { PendingAction, PendingActionOverview } from '@app/shared';
import type { AuditInput } from '../audit/audit.ts';
import type { CacheStore } from '../cache/ports.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import type { PurelyMail } from '../purelymail/ports.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import type { DomainHealthTracker, PendingActionNotifier, PendingActionRequest, PendingActionRequester, PendingActionStore, Scheduler, StoredPendingAction } from './ports.ts';
import { makeRunAction, type ActionOutcome } from './run-action.ts';

/** An executor that claimed an action and then vanished (crash, restart) is presumed dead after this long. */
export const STALE_CLAIM_MS = 10 * 60_000;
const FINISHED_SHOWN = 20;

export type ExecuteResult = 'done' | 'failed' | 'skipped' | 'not-due';

export interface PendingActionsDeps {
  store: PendingActionStore;
  scheduler: Scheduler;
  purelymail: PurelyMail;
  cache: CacheStore;
  audit: { record(input: AuditInput): Promise<unknown> };
  /** The deletion delay (Settings.deletionDelayHours), read at request time. */
  delayHours: () => Promise<number>;
  /** Tells every admin about new and finished actions. */
  notify: PendingActionNotifier;
  /** A deleted domain leaves DNS health tracking at once. */
  dnsHealth?: DomainHealthTracker;
  clock: Clock;
  logger: Logger;
}

const publicAction = ({ claimedAt: _c, ...a }: StoredPendingAction): PendingAction => a;
const newActionId = () => `pa-${randomBytes(10).toString('hex')}`;

function notCancellable(a: StoredPendingAction): ConflictError {
  if (a.status === 'executing') return new ConflictError('It is being carried out right now and can no longer be cancelled.', 'pending_executing');
  return new ConflictError(`It already ${a.status === 'cancelled' ? `was cancelled${a.cancelledBy ? ` by ${a.cancelledBy}` : ''}` : a.status === 'done' ? 'ran' : 'ran and failed'}.`, 'pending_finished');
}

/**
 * The 24-hour safety delay for destructive actions: request, cancel, execute when due, sweep overdue ones.
 *
 * @example
 * const pending = makePendingActions({ store, scheduler, purelymail, cache, audit, notify, delayHours: async () => 24, clock, logger });
 * const { action } = await pending.requestOnce({ kind: 'delete-user', target: 'bob@example.com', label: 'Delete user bob@example.com', requestedBy: 'alice@admin.test' });
 */
export function makePendingActions(deps: PendingActionsDeps) {
  const runAction = makeRunAction(deps);
  const nowIso = () => deps.clock.now().toISOString();
  // Side effects after the state change: a failure is logged and never undoes or blocks the action.
  const after = (what: string, id: string, effect: () => Promise<unknown>) =>
    effect().catch((err: unknown) => deps.logger.error(`pending action: ${what} failed`, { id, error: (err as Error).message }));

  /**
   * Creates a pending action, or returns the one already pending for the same target.
   * 1. Compute executeAt = now + the deletion delay setting.
   * 2. One conditional write on the (kind, target) slot: a double-click gets the first action back.
   * 3. Arm the schedule. If that fails the sweeper still runs the action when it is overdue.
   * 4. Only a newly created action mails the admins (what, who, when, where to cancel).
   */
  async function requestOnce(input: PendingActionRequest): Promise<{ action: PendingAction; created: boolean }> {
    if (!input.target.trim() || !input.label.trim()) throw new ValidationError('A pending action needs a target and a label.');
    const now = deps.clock.now();
    const executeAt = new Date(now.getTime() + (await deps.delayHours()) * 3600_000);
    const candidate: StoredPendingAction = {
      id: newActionId(),
      ...input,
      requestedAt: now.toISOString(),
      executeAt: executeAt.toISOString(),
      status: 'pending',
      finishedAt: null,
      cancelledBy: null,
      reason: null,
      version: 1,
      claimedAt: null,
    };
    const { action, created } = await deps.store.create(candidate);
    if (created) {
      await deps.scheduler.schedule(action.id, executeAt).catch((err: unknown) => {
        deps.logger.warn('pending action not scheduled; the sweeper will run it', { id: action.id, error: (err as Error).message });
      });
      await after('notification', action.id, () => deps.notify.pendingRequested(publicAction(action)));
    }
    return { action: publicAction(action), created };
  }

  /**
   * Cancels a pending action (any admin may).
   * 1. Load it; only a pending action can be cancelled.
   * 2. One conditional write pending → cancelled: if the executor claimed it first, cancelling fails clearly.
   * 3. Drop the schedule (best effort: a late firing finds it cancelled and does nothing).
   */
  async function cancel(id: string, by: string): Promise<PendingAction> {
    const current = await deps.store.get(id);
    if (!current) throw new NotFoundError('There is no such pending action. It may have finished and been replaced.');
    if (current.status !== 'pending') throw notCancellable(current);
    const cancelled = await deps.store.transition(current, 'pending', { status: 'cancelled', cancelledBy: by, finishedAt: nowIso() });
    if (!cancelled) {
      const now = await deps.store.get(id);
      throw now ? notCancellable(now) : new NotFoundError('There is no such pending action.');
    }
    await deps.scheduler.cancel(id).catch(() => undefined);
    return publicAction(cancelled);
  }

  /** Claims an action for this executor: pending → executing, or a stale executing claim taken over. */
  async function claim(a: StoredPendingAction, now: Date): Promise<StoredPendingAction | undefined> {
    if (a.status === 'pending') return deps.store.transition(a, 'pending', { status: 'executing', claimedAt: now.toISOString() });
    const stale = a.status === 'executing' && (!a.claimedAt || now.getTime() - Date.parse(a.claimedAt) > STALE_CLAIM_MS);
    return stale ? deps.store.transition(a, 'executing', { claimedAt: now.toISOString() }) : undefined;
  }

  /**
   * Runs one action if it is due. Safe to call twice at once (duplicate deliveries, timer plus sweeper).
   * 1. Load it; skip unless pending (or claimed by an executor that died); reschedule if not due yet.
   * 2. One conditional write claims it (pending → executing): the loser of a race does nothing.
   * 3. Re-check preconditions and call PurelyMail (run-action.ts); already gone counts as done.
   * 4. One conditional write records done or failed with the reason.
   * 5. One audit entry with a deterministic id, so a retried write never duplicates it.
   * 6. Only the winner of step 4 mails the admins, and a deleted domain leaves DNS health tracking.
   */
  async function executeDue(id: string): Promise<ExecuteResult> {
    const current = await deps.store.get(id);
    if (!current) return 'skipped';
    const now = deps.clock.now();
    if (current.status === 'pending' && Date.parse(current.executeAt) > now.getTime()) {
      await deps.scheduler.schedule(id, new Date(current.executeAt)).catch(() => undefined);
      return 'not-due';
    }
    const claimed = await claim(current, now);
    if (!claimed) return 'skipped';

    let outcome: ActionOutcome;
    try {
      outcome = await runAction(claimed);
    } catch (err) {
      deps.logger.error('pending action crashed', { id, kind: claimed.kind, error: (err as Error).message });
      outcome = { ok: false, reason: 'An internal error stopped it. Refresh to see whether it happened, then request it again if needed.' };
    }
    const reason = outcome.ok ? (outcome.note ?? null) : outcome.reason;
    const finished = await deps.store.transition(claimed, 'executing', { status: outcome.ok ? 'done' : 'failed', finishedAt: nowIso(), reason });
    if (!finished) return 'skipped';
    await deps.audit
      .record({
        id: `pending:${id}:executed`,
        actor: 'system',
        action: 'pending.execute',
        target: claimed.label,
        result: outcome.ok ? 'ok' : 'failed',
        ...(outcome.ok ? {} : { reason: outcome.reason }),
        ip: '-',
        userAgent: '',
        details: `${claimed.kind} ${claimed.target}, requested by ${claimed.requestedBy} at ${claimed.requestedAt}${outcome.ok && outcome.note ? `. ${outcome.note}` : ''}`,
      })
      .catch((err: unknown) => deps.logger.error('audit entry for a pending action not written', { id, error: (err as Error).message }));
    const tracker = deps.dnsHealth;
    if (outcome.ok && claimed.kind === 'delete-domain' && tracker) await after('dns health untrack', id, () => tracker.untrack(claimed.target));
    await after('notification', id, () => deps.notify.pendingFinished(publicAction(finished)));
    return outcome.ok ? 'done' : 'failed';
  }

  /** Runs every overdue action, e.g. after a restart lost the timers. Returns how many ran. */
  async function sweep(now: Date = deps.clock.now()): Promise<number> {
    let ran = 0;
    for (const a of await deps.store.listDue(now.toISOString())) {
      const result = await executeDue(a.id).catch((err: unknown) => {
        deps.logger.error('sweep could not run a pending action', { id: a.id, error: (err as Error).message });
        return 'skipped' as const;
      });
      if (result === 'done' || result === 'failed') ran++;
    }
    return ran;
  }

  const listPending = async () => (await deps.store.listActive()).map(publicAction);

  return {
    request: async (input: PendingActionRequest) => (await requestOnce(input)).action,
    requestOnce,
    cancel,
    executeDue,
    sweep,
    listPending,
    countPending: async () => (await deps.store.listActive()).length,
    async list(): Promise<PendingActionOverview> {
      const [active, finished] = await Promise.all([deps.store.listActive(), deps.store.listFinished(FINISHED_SHOWN)]);
      return { actions: active.map(publicAction), finished: finished.map(publicAction) };
    },
  } satisfies PendingActionRequester & Record<string, unknown>;
}
export type PendingActions = ReturnType<typeof makePendingActions>;
