import { randomBytes } from 'node:crypto';
import type { PendingAction, PendingActionOverview } from '@app/shared';
import type { AuditInput } from '../audit/audit.ts';
import type { CacheStore } from '../cache/ports.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import type { PurelyMail } from '../purelymail/ports.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import type { Emit } from '../events.ts';
import type { PendingActionEvents } from './events.ts';
import type { PendingActionRequest, PendingActionRequester, PendingActionStore, Scheduler, StoredPendingAction } from './ports.ts';
import { makeRunAction, type ActionOutcome } from './run-action.ts';
import { identityFromCache } from './target-identity.ts';

/** An executor that claimed an action and then vanished (crash, restart) is presumed dead after this long. */
export const STALE_CLAIM_MS = 10 * 60_000;
/** Schedulers may fire this much early (EventBridge Scheduler's window); earlier than that is a mismatched event. */
export const EARLY_TOLERANCE_MS = 60_000;
/** The audit action of a scheduler event that did nothing because it was stale (checklist DA-3). */
export const SKIPPED_STALE_AUDIT_ACTION = 'pending.skip';
/** Who cancels an action whose target was re-created: the executor itself. */
const SYSTEM = 'system';

/** Why a scheduler event did nothing: one audit entry per (action, reason), however often it is replayed. */
export type StaleReason = 'cancelled' | 'early' | 'recreated';
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
  /** Requested, finished and DomainDeleted: admins are told, a deleted domain leaves DNS health tracking. */
  emit: Emit<PendingActionEvents>;
  clock: Clock;
  logger: Logger;
  /**
   * Asked just before a claimed action runs: a reason in words refuses it (it ends failed with that reason, nothing is
   * deleted). An off-boarding's deletion waiting for its archive copy uses it. Late-bound: the modules that refuse are
   * built after this queue (they request deletions through it).
   */
  blocker?: (action: StoredPendingAction) => Promise<string | undefined>;
}

const publicAction = ({ claimedAt: _c, targetGeneration: _g, ...a }: StoredPendingAction): PendingAction => a;
const newActionId = () => `pa-${randomBytes(10).toString('hex')}`;

function notCancellable(a: StoredPendingAction): ConflictError {
  if (a.status === 'executing') return new ConflictError('It is being carried out right now and can no longer be cancelled.', 'pending_executing');
  return new ConflictError(`It already ${a.status === 'cancelled' ? `was cancelled${a.cancelledBy ? ` by ${a.cancelledBy}` : ''}` : a.status === 'done' ? 'ran' : 'ran and failed'}.`, 'pending_finished');
}

/**
 * The 24-hour safety delay for destructive actions: request, cancel, execute when due, sweep overdue ones.
 *
 * @example
 * const pending = makePendingActions({ store, scheduler, purelymail, cache, audit, emit, delayHours: async () => 24, clock, logger });
 * const { action } = await pending.requestOnce({ kind: 'delete-user', target: 'bob@example.com', label: 'Delete user bob@example.com', requestedBy: 'alice@admin.test' });
 */
export function makePendingActions(deps: PendingActionsDeps) {
  const runAction = makeRunAction(deps);
  const nowIso = () => deps.clock.now().toISOString();

  /**
   * Creates a pending action, or returns the one already pending for the same target.
   * 1. Compute executeAt = now + the deletion delay setting (or the request's longer delay: an off-boarding's N days).
   * 2. One conditional write on the (kind, target) slot: a double-click gets the first action back.
   * 3. Arm the schedule. If that fails the sweeper still runs the action when it is overdue.
   * 4. Only a newly created action is told (PendingActionRequested: the admins get what, who, when, where to cancel).
   */
  async function requestOnce(input: PendingActionRequest): Promise<{ action: PendingAction; created: boolean }> {
    if (!input.target.trim() || !input.label.trim()) throw new ValidationError('A pending action needs a target and a label.');
    const { delayHours: customHours, ...request } = input;
    if (customHours !== undefined && !(Number.isFinite(customHours) && customHours > 0)) throw new ValidationError('A pending action\'s delay must be a positive number of hours.');
    const now = deps.clock.now();
    const settingHours = await deps.delayHours();
    const executeAt = new Date(now.getTime() + Math.max(settingHours, customHours ?? 0) * 3600_000);
    // Which life of the target is meant (DA-3 c); unknown (null) when the cache cannot tell.
    const targetGeneration = input.targetGeneration !== undefined ? input.targetGeneration : await identityFromCache(deps.cache, input.kind, input.target).catch(() => null);
    const candidate: StoredPendingAction = {
      id: newActionId(),
      ...request,
      targetGeneration,
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
      await deps.emit('PendingActionRequested', { action: publicAction(action) });
    }
    return { action: publicAction(action), created };
  }

  /**
   * Cancels a pending action (any admin may).
   * 1. Load it; only a pending action can be cancelled.
   * 2. One conditional write pending → cancelled: if the executor claimed it first, cancelling fails clearly.
   * 3. Drop the schedule (best effort: a late firing finds it cancelled and does nothing).
   * 4. Tell (PendingActionCancelled: the admins who were mailed "Deletion scheduled" learn it will not run).
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
    await deps.emit('PendingActionCancelled', { action: publicAction(cancelled) });
    return publicAction(cancelled);
  }

  /** Claims an action for this executor: pending → executing, or a stale executing claim taken over. */
  async function claim(a: StoredPendingAction, now: Date): Promise<StoredPendingAction | undefined> {
    if (a.status === 'pending') return deps.store.transition(a, 'pending', { status: 'executing', claimedAt: now.toISOString() });
    const stale = a.status === 'executing' && (!a.claimedAt || now.getTime() - Date.parse(a.claimedAt) > STALE_CLAIM_MS);
    return stale ? deps.store.transition(a, 'executing', { claimedAt: now.toISOString() }) : undefined;
  }

  /**
   * One `pending.skip` entry per (action, reason): the id is derived from both and the audit store
   * writes it only if absent, so replayed events never add another.
   */
  async function recordSkippedStale(a: StoredPendingAction, reason: StaleReason, why: string): Promise<void> {
    await deps.audit
      .record({
        id: `pending:${a.id}:skipped-stale:${reason}`,
        actor: 'system',
        action: SKIPPED_STALE_AUDIT_ACTION,
        target: a.label,
        result: 'ok',
        ip: '-',
        userAgent: '',
        details: `${why} Nothing was deleted. (${a.kind} ${a.target}, requested by ${a.requestedBy} at ${a.requestedAt}, due ${a.executeAt})`,
      })
      .catch((err: unknown) => deps.logger.error('audit entry for a stale pending event not written', { id: a.id, reason, error: (err as Error).message }));
  }

  /**
   * Runs one action if it is due. Safe to call twice at once (duplicate deliveries, timer plus sweeper).
   * 1. Load it. A cancelled one does nothing (DA-3 a); an event more than a minute early does nothing and
   *    re-arms the schedule (DA-3 b); a slightly early one only re-arms. Each stale event is audited once.
   * 2. One conditional write claims it (pending → executing): the loser of a race does nothing. Done, failed
   *    or running elsewhere: a duplicate delivery, nothing to do. A late event (DA-3 d) runs it once.
   * 3. Ask the blocker (an archive copy not succeeded refuses it), re-check preconditions and call PurelyMail (run-action.ts); already gone counts as done; a target
   *    re-created since the request (DA-3 c) is left alone and the action is cancelled by the system.
   * 4. One conditional write records done, failed or that cancellation with the reason.
   * 5. One audit entry with a deterministic id, so a retried write never duplicates it.
   * 6. Only the winner of step 4 tells DomainDeleted (for a deleted domain) and PendingActionFinished.
   */
  async function executeDue(id: string): Promise<ExecuteResult> {
    const current = await deps.store.get(id);
    if (!current) return 'skipped';
    const now = deps.clock.now();
    if (current.status === 'cancelled') {
      // A system cancellation was this executor's own "re-created" verdict: a replay maps to that entry.
      if (current.cancelledBy === SYSTEM) await recordSkippedStale(current, 'recreated', current.reason ?? 'Not carried out: the target was re-created.');
      else await recordSkippedStale(current, 'cancelled', `Event ignored: the action was cancelled by ${current.cancelledBy ?? 'an admin'} at ${current.finishedAt ?? 'an earlier time'}.`);
      return 'skipped';
    }
    const early = Date.parse(current.executeAt) - now.getTime();
    if (current.status === 'pending' && early > 0) {
      await deps.scheduler.schedule(id, new Date(current.executeAt)).catch(() => undefined);
      if (early > EARLY_TOLERANCE_MS) {
        await recordSkippedStale(current, 'early', `Event ignored: it arrived at ${now.toISOString()}, ${Math.round(early / 1000)} s before the action was due; it will run when due.`);
      }
      return 'not-due';
    }
    const claimed = await claim(current, now);
    if (!claimed) return 'skipped';

    let outcome: ActionOutcome;
    try {
      const refused = await deps.blocker?.(claimed);
      outcome = refused ? { ok: false, reason: refused } : await runAction(claimed);
    } catch (err) {
      deps.logger.error('pending action crashed', { id, kind: claimed.kind, error: (err as Error).message });
      outcome = { ok: false, reason: 'An internal error stopped it. Refresh to see whether it happened, then request it again if needed.' };
    }
    if (!outcome.ok && outcome.stale) {
      const called = await deps.store.transition(claimed, 'executing', { status: 'cancelled', cancelledBy: SYSTEM, finishedAt: nowIso(), reason: outcome.reason });
      if (!called) return 'skipped';
      await recordSkippedStale(called, 'recreated', outcome.reason);
      await deps.emit('PendingActionFinished', { action: publicAction(called) });
      return 'skipped';
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
    if (outcome.ok && claimed.kind === 'delete-domain') await deps.emit('DomainDeleted', { domain: claimed.target });
    await deps.emit('PendingActionFinished', { action: publicAction(finished) });
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
