import type { UserDeletionRequested } from '@app/shared';
import { NotFoundError } from '../errors.ts';
import type { UsersDeps } from './users-deps.ts';

/**
 * Deleting a user goes through the pending queue; the mailbox stays intact until the delay runs out.
 * 1. The user must exist (cache, then a fresh listUser): no pending action without a target.
 * 2. Request the action; a repeat request gets the same action back (`created: false`).
 */
export const makeRequestUserDeletion =
  (deps: UsersDeps) =>
  async (address: string, requestedBy: string): Promise<UserDeletionRequested> => {
    const cached = (await deps.cache.read()).users?.addresses ?? [];
    const known = cached.some((a) => a.toLowerCase() === address) || (await deps.purelymail.listUser()).users.some((a) => a.toLowerCase() === address);
    if (!known) throw new NotFoundError(`There is no user ${address} on PurelyMail. Refresh the list.`);
    return deps.pendingActions.requestOnce({ kind: 'delete-user', target: address, label: `Delete user ${address}`, requestedBy });
  };
