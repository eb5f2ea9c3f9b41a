import type { PendingAction } from '@app/shared';

/** What the pending-actions module tells the rest of the app (subscribers: platform/composition/subscriptions.ts). */
export interface PendingActionEvents {
  /** A new action was saved (not one already pending for the same target). */
  PendingActionRequested: { action: PendingAction };
  /** An admin cancelled a pending action (not the executor's own cancellation of a re-created target). */
  PendingActionCancelled: { action: PendingAction };
  /** An action reached `done` or `failed`, or was cancelled by the executor because its target was re-created. */
  PendingActionFinished: { action: PendingAction };
  /** A delete-domain action removed the domain from PurelyMail. */
  DomainDeleted: { domain: string };
}
