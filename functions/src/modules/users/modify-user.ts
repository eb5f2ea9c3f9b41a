import type { UpdateUserInput, UpsertResetMethodInput, UserDetail } from '@app/shared';
import { NotFoundError } from '../errors.ts';
import { aboutUser, makeGetUserDetail } from './get-user-detail.ts';
import type { UsersDeps } from './users-deps.ts';

/**
 * Changes to one existing user. Each is a single PurelyMail call (nothing to undo if it fails), then a
 * fresh getUser so the panel shows what PurelyMail now holds.
 */
export function makeModifyUser(deps: UsersDeps) {
  const detail = makeGetUserDetail(deps);
  return {
    /** 2FA, search indexing, password reset: only the fields given are sent (others stay unchanged). */
    async update(address: string, input: UpdateUserInput): Promise<UserDetail> {
      await aboutUser(deps, address, () => deps.purelymail.modifyUser({ userName: address, ...input }));
      return detail(address);
    },
    /** `newPassword` is the only field PurelyMail honours for a password change (`password` is ignored). */
    async setPassword(address: string, newPassword: string): Promise<void> {
      await aboutUser(deps, address, () => deps.purelymail.modifyUser({ userName: address, newPassword }));
    },
    async upsertResetMethod(address: string, input: UpsertResetMethodInput): Promise<UserDetail> {
      await aboutUser(deps, address, () => deps.purelymail.upsertPasswordReset({ userName: address, ...input }));
      return detail(address);
    },
    /**
     * Removes one recovery method. We check it exists first: deletePasswordReset without a matching
     * target is undocumented, and without a target at all it would delete every method.
     */
    async removeResetMethod(address: string, target: string): Promise<UserDetail> {
      const methods = await aboutUser(deps, address, () => deps.purelymail.listPasswordReset({ userName: address }));
      if (!methods.users.some((m) => m.target === target)) throw new NotFoundError(`${address} has no recovery method ${target}.`);
      await deps.purelymail.deletePasswordReset({ userName: address, target });
      return detail(address);
    },
  };
}
