import type { CacheStore } from '../cache/ports.ts';
import type { PendingActionRequest, PendingActionRequester } from '../pending-actions/ports.ts';
import type { PurelyMail } from '../purelymail/ports.ts';
import type { PendingAction } from '@app/shared';

/** What the users capability needs: PurelyMail, the cache, and the pending queue for deletions. */
export interface UsersDeps {
  purelymail: PurelyMail;
  cache: CacheStore;
  /** Refreshes the whole cache (with drift detection). */
  refreshCache: () => Promise<unknown>;
  pendingActions: PendingActionRequester & {
    requestOnce(input: PendingActionRequest): Promise<{ action: PendingAction; created: boolean }>;
  };
}
