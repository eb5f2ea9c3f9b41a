import type { UserDeletionRequested } from '@app/shared';
import { NotFoundError } from '../errors.ts';
import { userExists } from './user-listing.ts';
import type { UsersDeps } from './users-deps.ts';

/**
 * Deleting a user goes through the pending queue; the mailbox stays intact until the delay runs out.
 * 1. The user must exist: the cache, else a refresh (it was created elsewhere since the last sync), else
 *    getUser (listUser stops at 1,000 names, so only getUser can say a user does not exist): no pending
 *    action without a target. A cached user's first-seen time is recorded as the life the action is for (a
 *    user re-created later is left alone); a user only getUser found has none, and the action says so.
 * 2. Request the action (after `delayHours` when an off-boarding gives one, else the deletion delay setting); a
 *    repeat request gets the same action back (`created: false`).
 */
export const makeRequestUserDeletion =
  (deps: UsersDeps) =>
  async (address: string, requestedBy: string, delayHours?: number): Promise<UserDeletionRequested> => {
    const listed = async () => ((await deps.cache.read(['users'])).users?.addresses ?? []).some((a) => a.toLowerCase() === address);
    let known = await listed();
    if (!known) {
      await deps.refreshCache();
      known = (await listed()) || (await userExists(deps.purelymail, address));
    }
    if (!known) throw new NotFoundError(`There is no user ${address} on PurelyMail. Refresh the list.`);
    return deps.pendingActions.requestOnce({ kind: 'delete-user', target: address, label: `Delete user ${address}`, requestedBy, ...(delayHours === undefined ? {} : { delayHours }) });
  };
