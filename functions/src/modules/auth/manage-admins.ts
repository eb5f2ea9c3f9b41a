import { whyNot, type AdminRole, type CreateAdminInput } from '@app/shared';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors.ts';
import { assertNotCommonPassword, COMMON_PASSWORD_FIELD_MESSAGE, isCommonPassword } from './common-passwords.ts';
import type { AuthDeps, RequestOrigin } from './deps.ts';
import { makeLoginThrottle } from './login-throttle.ts';
import { makeEndAdminSessions } from './manage-sessions.ts';
import type { AdminRecord, SessionRecord } from './ports.ts';
import { makeRotateSession } from './rotate-session.ts';

const assertOwnerPower = (actor: AdminRecord) => {
  const refused = whyNot(actor.role, 'manage-admins');
  if (refused) throw new ForbiddenError(refused);
};

/** Only owners add admins; never with a common password. */
export const makeCreateAdmin =
  (deps: Pick<AuthDeps, 'admins' | 'hasher' | 'clock'>) =>
  async (actor: AdminRecord, input: CreateAdminInput): Promise<AdminRecord> => {
    assertOwnerPower(actor);
    await assertNotCommonPassword(input.password, 'password');
    const admin: AdminRecord = {
      email: input.email,
      name: input.name,
      role: input.role,
      passwordHash: await deps.hasher.hash(input.password),
      createdAt: deps.clock.now().toISOString(),
      lastLoginAt: null,
    };
    await deps.admins.create(admin);
    return admin;
  };

const SELF_REFUSAL = {
  remove: ['You cannot remove yourself. Ask another owner.', 'self_removal'],
  role: ['You cannot change your own role. Ask another owner.', 'self_role_change'],
} as const;

/**
 * What is refused whatever the target's state: not an owner, or one's own account. The routes check it
 * before asking for the password again (a re-auth prompt for something that will be refused anyway only
 * wastes the password), and the use cases check it again.
 */
export function assertMayManageAdmin(actor: AdminRecord, email: string, change: keyof typeof SELF_REFUSAL): void {
  assertOwnerPower(actor);
  if (actor.email === email) {
    const [message, code] = SELF_REFUSAL[change];
    throw new ConflictError(message, code);
  }
}

/**
 * Removes an admin and ends all their sessions at once (ASVS 7.4.2).
 * Only owners may; nobody removes themselves; the last owner stays (enforced by the store's conditional write).
 */
export const makeRemoveAdmin = (deps: Pick<AuthDeps, 'admins' | 'sessions'>) => {
  const endSessions = makeEndAdminSessions(deps);
  return async (actor: AdminRecord, email: string): Promise<void> => {
    assertMayManageAdmin(actor, email, 'remove');
    const target = await deps.admins.get(email);
    if (!target) throw new NotFoundError('There is no admin with that email.');
    await deps.admins.remove(email, target.role);
    await endSessions(email);
  };
};

/**
 * An owner promotes, demotes or makes read-only another admin. The new role applies from that admin's next
 * request (the role is read with the session every time). Nobody changes their own role (ask another owner),
 * and the last owner stays an owner (the store's owner counter, one conditional write).
 */
export const makeChangeAdminRole =
  (deps: Pick<AuthDeps, 'admins'>) =>
  async (actor: AdminRecord, email: string, role: AdminRole): Promise<{ admin: AdminRecord; from: AdminRole }> => {
    assertMayManageAdmin(actor, email, 'role');
    const target = await deps.admins.get(email);
    if (!target) throw new NotFoundError('There is no admin with that email.');
    if (target.role !== role) await deps.admins.setRole(email, target.role, role);
    return { admin: { ...target, role }, from: target.role };
  };

/**
 * Changes the caller's own password. The current password in the same request is the re-authentication
 * (ASVS 7.5.1), so no recent sign-in is needed; it is checked independently of the new password's policy
 * (already validated at the edge) and under the login throttle.
 * 1. Reserve the attempt in the login throttle (429 when full or locked)  2. Check the current password (wrong: stays counted as a failed login, 400) and,
 * independently, refuse a common new password  4. Store the new hash  5. New session token with authAt = now (ASVS
 * 7.2.4); other sessions end when asked (ASVS 7.4.3).
 */
export const makeChangePassword = (deps: AuthDeps) => {
  const throttle = makeLoginThrottle(deps);
  const rotate = makeRotateSession(deps);
  return async (
    actor: AdminRecord,
    currentSessionId: string,
    input: { currentPassword: string; newPassword: string; endOtherSessions: boolean },
    origin: RequestOrigin,
  ): Promise<{ endedSessions: number; cookie: string; session: SessionRecord }> => {
    const attempt = await throttle.reserve(actor.email, origin.ip);
    // Both checks always run and both are reported (PostfixAdmin 2.3.1: no check hides another).
    const common = await attempt.check(() => isCommonPassword(input.newPassword));
    if (!(await attempt.check(() => deps.hasher.verify(input.currentPassword, actor.passwordHash)))) {
      // 400, not 401: the caller is signed in; a 401 would send the browser to the login page.
      throw new ValidationError('The current password is wrong.', [
        { path: 'currentPassword', message: 'is wrong' },
        ...(common ? [{ path: 'newPassword', message: COMMON_PASSWORD_FIELD_MESSAGE }] : []),
      ]);
    }
    await attempt.succeeded();
    if (common) await assertNotCommonPassword(input.newPassword, 'newPassword');
    await deps.admins.setPasswordHash(actor.email, await deps.hasher.hash(input.newPassword));
    return rotate(actor.email, currentSessionId, origin, input.endOtherSessions);
  };
};

/** For the CLI when nobody can log in: sets a new password and ends every session of that admin. */
export const makeResetAdminPassword = (deps: Pick<AuthDeps, 'admins' | 'sessions' | 'hasher'>) => {
  const endSessions = makeEndAdminSessions(deps);
  return async (email: string, newPassword: string): Promise<void> => {
    if (!(await deps.admins.get(email))) throw new NotFoundError(`There is no admin with the email ${email}.`);
    await assertNotCommonPassword(newPassword, 'password');
    await deps.admins.setPasswordHash(email, await deps.hasher.hash(newPassword));
    await endSessions(email);
  };
};
