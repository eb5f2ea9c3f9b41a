import type { PendingAction, PendingActionKind } from '@app/shared';

/**
 * What other capabilities (users, domains, routing) call to delay a deletion. Implemented by the
 * pending-actions module; one pending action per (kind, target) at a time.
 */
export interface PendingActionRequester {
  request(input: { kind: PendingActionKind; target: string; label: string; requestedBy: string }): Promise<PendingAction>;
  /** Pending (not yet executed or cancelled) actions, for "deletion pending" badges on list rows. */
  listPending(): Promise<PendingAction[]>;
}

/** Fires an action at its executeAt. Local: an in-process timer over due items; AWS: EventBridge Scheduler. */
export interface Scheduler {
  schedule(actionId: string, at: Date): Promise<void>;
  /** Cancelling a schedule that is already gone is not an error. */
  cancel(actionId: string): Promise<void>;
}
