import type { UserDetail } from '@app/shared';
import { NotFoundError } from '../errors.ts';
import { PurelyMailApiError } from '../purelymail/errors.ts';
import type { GetUserResult } from '../purelymail/purelymail-types.ts';
import { userExists } from './user-listing.ts';
import type { UsersDeps } from './users-deps.ts';

const noSuchUser = (address: string, cause: unknown) =>
  new NotFoundError(`There is no user ${address} on PurelyMail. It may have been deleted; refresh the list.`, { cause });

/**
 * Runs a PurelyMail call about one user; when PurelyMail refuses, getUser tells "no such user" (a clear 404)
 * apart from a real refusal (kept as PurelyMail's own message). Never listUser: it stops at 1,000 names, so a
 * user past the cap would look deleted. PurelyMail's error code for an unknown user is undocumented.
 */
export async function aboutUser<T>(deps: UsersDeps, address: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (!(err instanceof PurelyMailApiError)) throw err;
    if (!(await userExists(deps.purelymail, address))) throw noSuchUser(address, err);
    throw err;
  }
}

/** getUser, with a refusal (other than a bad token) read as "no such user". */
export async function readUser(deps: UsersDeps, address: string): Promise<GetUserResult> {
  try {
    return await deps.purelymail.getUser({ userName: address });
  } catch (err) {
    if (err instanceof PurelyMailApiError && err.code !== 'invalidToken') throw noSuchUser(address, err);
    throw err;
  }
}

/**
 * One user's details, read from PurelyMail when the detail opens (never cached: they are few and change).
 * 1. getUser (it finds any user, also one past listUser's 1,000 cap).
 * 2. Add a pending deletion for this address, if any, and how many recovery methods could not be read.
 */
export const makeGetUserDetail =
  (deps: UsersDeps) =>
  async (address: string): Promise<UserDetail> => {
    const user = await readUser(deps, address);
    const pending = (await deps.pendingActions.listPending()).find((a) => a.kind === 'delete-user' && a.target === address);
    return {
      address,
      enableSearchIndexing: user.enableSearchIndexing,
      recoveryEnabled: user.recoveryEnabled,
      requireTwoFactorAuthentication: user.requireTwoFactorAuthentication,
      enableSpamFiltering: user.enableSpamFiltering,
      resetMethods: user.resetMethods,
      unreadableResetMethods: user.unreadable ?? 0,
      pendingDeletion: pending ?? null,
    };
  };
