import { makeCreateUser } from './create-user.ts';
import { makeGetUserDetail } from './get-user-detail.ts';
import { makeListUsers } from './list-users.ts';
import { makeModifyUser } from './modify-user.ts';
import { makeRequestUserDeletion } from './request-user-deletion.ts';
import type { UsersDeps } from './users-deps.ts';

/** The users capability: list (from the cache), create, read, change, and delete through the pending queue. */
export function makeUsers(deps: UsersDeps) {
  return {
    list: makeListUsers(deps),
    create: makeCreateUser(deps),
    get: makeGetUserDetail(deps),
    ...makeModifyUser(deps),
    requestDeletion: makeRequestUserDeletion(deps),
  };
}
export type Users = ReturnType<typeof makeUsers>;
