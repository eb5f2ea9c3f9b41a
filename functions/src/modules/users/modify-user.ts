import type { UpdateUserInput, UpsertResetMethodInput, UserDetail } from '@app/shared';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import type { GetUserResult } from '../purelymail/purelymail-types.ts';
import { aboutUser, makeGetUserDetail, readUser } from './get-user-detail.ts';
import { assertStrongMailboxPassword } from './mailbox-password.ts';
import type { UsersDeps } from './users-deps.ts';

/** Error code: 2FA asked of a user who could not get back in without a 2FA app. */
export const TWO_FACTOR_NEEDS_RECOVERY = 'two_factor_needs_recovery';

/**
 * What PurelyMail does in two cases is not documented, so the panel checks the precondition itself and says
 * why, instead of hoping PurelyMail refuses:
 * - Requiring 2FA of a user: PurelyMail's API cannot set up an authenticator for anyone, and what happens to a
 *   user who must use 2FA and has none is unknown (they may be locked out). So the user must be able to
 *   recover: password reset on and at least one recovery method (a reset through one may turn 2FA off).
 * - Turning password reset back on: PurelyMail's own console asks for a password to do it, so the API may
 *   too; the panel asks for one and sends it in the same call.
 */
function checkPreconditions(address: string, current: GetUserResult, input: UpdateUserInput): void {
  if (input.enablePasswordReset === true && !current.recoveryEnabled && input.newPassword === undefined) {
    throw new ValidationError(`To turn password reset back on for ${address}, PurelyMail asks for the user's password: set a new one in the same step.`, [
      { path: 'newPassword', message: 'is needed to turn password reset back on' },
    ]);
  }
  if (input.requireTwoFactorAuthentication !== true || current.requireTwoFactorAuthentication) return;
  const resetOn = input.enablePasswordReset ?? current.recoveryEnabled;
  const methods = current.resetMethods.length + (current.unreadable ?? 0);
  if (resetOn && methods > 0) return;
  const missing = !resetOn && methods === 0 ? 'password reset is off and there is no recovery method' : !resetOn ? 'password reset is off' : 'there is no recovery method';
  throw new ConflictError(
    `2FA was not turned on for ${address}: ${missing}. PurelyMail's API cannot set up an authenticator for a user, and what PurelyMail does when 2FA is required of someone who has none is not documented: they could be locked out. Add a recovery method${resetOn ? '' : ' and allow password reset'} first, so the user can get back in (a reset through a recovery method can also turn 2FA off).`,
    TWO_FACTOR_NEEDS_RECOVERY,
  );
}

/**
 * Changes to one existing user. Each is a single PurelyMail call (nothing to undo if it fails), then a
 * fresh getUser so the panel shows what PurelyMail now holds.
 */
export function makeModifyUser(deps: UsersDeps) {
  const detail = makeGetUserDetail(deps);
  return {
    /**
     * 2FA, search indexing, password reset: only the fields given are sent (others stay unchanged).
     * 1. When 2FA or password reset is being turned on, read the user first and check the preconditions above.
     * 2. modifyUser with the fields given (and the password, when turning password reset back on).
     */
    async update(address: string, input: UpdateUserInput): Promise<UserDetail> {
      if (input.newPassword !== undefined) await assertStrongMailboxPassword(input.newPassword, 'newPassword', address);
      if (input.requireTwoFactorAuthentication === true || input.enablePasswordReset === true) checkPreconditions(address, await readUser(deps, address), input);
      await aboutUser(deps, address, () => deps.purelymail.modifyUser({ userName: address, ...input }));
      return detail(address);
    },
    /** `newPassword` is the only field PurelyMail honours for a password change (`password` is ignored). */
    async setPassword(address: string, newPassword: string): Promise<void> {
      await assertStrongMailboxPassword(newPassword, 'newPassword', address);
      await aboutUser(deps, address, () => deps.purelymail.modifyUser({ userName: address, newPassword }));
    },
    /**
     * PurelyMail lets a new method reset 2FA unless told otherwise; a new method here does not unless the
     * admin asks (a reset that turns 2FA off bypasses it). A change to an existing method keeps its setting.
     */
    async upsertResetMethod(address: string, input: UpsertResetMethodInput): Promise<UserDetail> {
      const allowMfaReset = input.allowMfaReset ?? (input.existingTarget === undefined ? false : undefined);
      const body = { userName: address, ...input, ...(allowMfaReset === undefined ? {} : { allowMfaReset }) };
      await aboutUser(deps, address, () => deps.purelymail.upsertPasswordReset(body));
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
