import type { UserDeletionRequested } from '@app/shared';
import { NotFoundError } from '../errors.ts';
import type { UsersDeps } from './users-deps.ts';

/**
 * Deleting a user goes through the pending queue; the mailbox stays intact until the delay runs out.
 * 1. The user must exist: the cache, else a refresh (it was created elsewhere since the last sync): no
 *    pending action without a target. After the refresh the cache tracks the user's first-seen time, which
 *    the pending action records as the life it is for (a user re-created later is left alone).
 * 2. Request the action; a repeat request gets the same action back (`created: false`).
 */
export const makeRequestUserDeletion =
  (deps: UsersDeps) =>
  async (address: string, requestedBy: string): Promise<UserDeletionRequested> => {
    const listed = async () => ((await deps.cache.read(['users'])).users?.addresses ?? []).some((a) => a.toLowerCase() === address);
    let known = await listed();
    if (!known) {
      await deps.refreshCache();
      known = await listed();
    }
    if (!known) throw new NotFoundError(`There is no user ${address} on PurelyMail. Refresh the list.`);
    return deps.pendingActions.requestOnce({ kind: 'delete-user', target: address, label: `Delete user ${address}`, requestedBy });
  };
