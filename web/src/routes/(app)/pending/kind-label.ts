import type { PendingActionKind } from '@app/shared';

export const KIND_LABEL: Record<PendingActionKind, string> = {
  'delete-user': 'User',
  'delete-domain': 'Domain',
  'delete-routing-rule': 'Routing rule',
};
