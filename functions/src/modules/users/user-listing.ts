import { isUserListCapped } from '@app/shared';
import type { UserListMeta } from '../cache/ports.ts';
import { PurelyMailApiError } from '../purelymail/errors.ts';
import type { PurelyMail } from '../purelymail/ports.ts';

/**
 * PurelyMail's user list, with how far it can be trusted. listUser returns at most 1,000 names and has no
 * pagination, so an answer that reaches the cap may leave users out: while `capped`, a name's absence proves
 * nothing (ask getUser) and no count of users is exact.
 */
export interface UserListing extends UserListMeta {
  addresses: string[];
}

/** One listUser call, with the cap applied to what PurelyMail returned (names that could not be read count too). */
export async function listAllUsers(purelymail: Pick<PurelyMail, 'listUser'>): Promise<UserListing> {
  const { users, unreadable = 0 } = await purelymail.listUser();
  return { addresses: users, capped: isUserListCapped(users.length + unreadable), unreadable };
}

/**
 * Whether PurelyMail has this user, from getUser alone: listUser may stop before the name. A refusal means
 * there is no such user (PurelyMail's code for that is undocumented), except an invalid token, which says
 * nothing about the user and is passed on like an outage.
 */
export async function userExists(purelymail: Pick<PurelyMail, 'getUser'>, address: string): Promise<boolean> {
  try {
    await purelymail.getUser({ userName: address });
    return true;
  } catch (err) {
    if (err instanceof PurelyMailApiError && err.code !== 'invalidToken') return false;
    throw err;
  }
}
