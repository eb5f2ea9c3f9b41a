import type { UserDetail } from '@app/shared';
import { NotFoundError } from '../errors.ts';
import { PurelyMailApiError } from '../purelymail/errors.ts';
import type { UsersDeps } from './users-deps.ts';

/**
 * Runs a PurelyMail call about one user; when PurelyMail refuses, a fresh listUser tells "no such user"
 * (a clear 404) apart from a real refusal (kept as PurelyMail's own message). PurelyMail's error code for
 * an unknown user is undocumented, so we do not guess it.
 */
export async function aboutUser<T>(deps: UsersDeps, address: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (!(err instanceof PurelyMailApiError)) throw err;
    const users = (await deps.purelymail.listUser()).users;
    if (!users.some((u) => u.toLowerCase() === address)) {
      throw new NotFoundError(`There is no user ${address} on PurelyMail. It may have been deleted; refresh the list.`, { cause: err });
    }
    throw err;
  }
}

/**
 * One user's details, read from PurelyMail when the detail opens (never cached: they are few and change).
 * 1. getUser.
 * 2. Add a pending deletion for this address, if any.
 */
export const makeGetUserDetail =
  (deps: UsersDeps) =>
  async (address: string): Promise<UserDetail> => {
    const user = await aboutUser(deps, address, () => deps.purelymail.getUser({ userName: address }));
    const pending = (await deps.pendingActions.listPending()).find((a) => a.kind === 'delete-user' && a.target === address);
    return {
      address,
      enableSearchIndexing: user.enableSearchIndexing,
      recoveryEnabled: user.recoveryEnabled,
      requireTwoFactorAuthentication: user.requireTwoFactorAuthentication,
      enableSpamFiltering: user.enableSpamFiltering,
      resetMethods: user.resetMethods,
      pendingDeletion: pending ?? null,
    };
  };
