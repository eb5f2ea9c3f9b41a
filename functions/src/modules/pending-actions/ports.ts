import type { PendingAction, PendingActionKind, PendingActionStatus } from '@app/shared';

/**
 * What other capabilities (users, domains, routing) call to delay a deletion. Implemented by the
 * pending-actions module; one pending action per (kind, target) at a time.
 *
 * @example
 * await deps.pendingActions.request({ kind: 'delete-domain', target: 'example.com', label: 'Delete domain example.com', requestedBy: admin.email });
 */
export interface PendingActionRequester {
  /** Creates the action, or returns the one already pending for the same (kind, target). */
  request(input: PendingActionRequest): Promise<PendingAction>;
  /** Pending (not yet executed or cancelled) actions, for "deletion pending" badges on list rows. */
  listPending(): Promise<PendingAction[]>;
}

export interface PendingActionRequest {
  kind: PendingActionKind;
  /** delete-user: the full address; delete-domain: the domain name; delete-routing-rule: the rule id. */
  target: string;
  label: string;
  requestedBy: string;
  /**
   * Which life of the target this is (see target-identity.ts); left out, it is read from the cache. The
   * executor skips the action as stale when the target it finds is a later life.
   */
  targetGeneration?: string | null;
  /**
   * Hours until it runs, instead of the deletion delay setting: an off-boarding schedules the user's deletion N days
   * ahead. Never shorter than the setting (the queue's safety delay is a floor, not a suggestion).
   */
  delayHours?: number;
}

/** Fires an action at its executeAt. Local: an in-process timer over due items; AWS: EventBridge Scheduler. */
export interface Scheduler {
  schedule(actionId: string, at: Date): Promise<void>;
  /** Cancelling a schedule that is already gone is not an error. */
  cancel(actionId: string): Promise<void>;
}

/**
 * A stored action: the public record plus when an executor claimed it (to recover from a crash mid-run) and
 * the target's identity at request time (null: unknown, e.g. an action stored before identities existed).
 */
export type StoredPendingAction = PendingAction & { claimedAt: string | null; targetGeneration: string | null };

/** The fields one transition may change; `version` always goes up by one. */
export type PendingActionChange = Partial<Pick<StoredPendingAction, 'status' | 'finishedAt' | 'cancelledBy' | 'reason' | 'claimedAt'>>;

/**
 * Pending actions in the store. Every state change is one conditional write on the action's item, so two
 * executors, or an executor and a cancel, can never both win.
 */
export interface PendingActionStore {
  /** Stores a new action unless one for the same (kind, target) is pending or executing; then returns that one. */
  create(action: StoredPendingAction): Promise<{ action: StoredPendingAction; created: boolean }>;
  get(id: string): Promise<StoredPendingAction | undefined>;
  /** Pending and executing actions, soonest first. */
  listActive(): Promise<StoredPendingAction[]>;
  /** Active actions whose executeAt is at or before `nowIso`. */
  listDue(nowIso: string): Promise<StoredPendingAction[]>;
  /** Finished actions (done, failed, cancelled), newest first: the latest one per target. */
  listFinished(limit: number): Promise<StoredPendingAction[]>;
  /** Applies `change` if the action still has `expected.status` and `expected.version`; undefined when it lost the race. */
  transition(expected: StoredPendingAction, from: PendingActionStatus, change: PendingActionChange): Promise<StoredPendingAction | undefined>;
}
