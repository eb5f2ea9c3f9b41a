import type { CreateAdminInput } from '@app/shared';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors.ts';
import type { AuthDeps } from './deps.ts';
import { makeEndAdminSessions } from './manage-sessions.ts';
import type { AdminRecord } from './ports.ts';

/** Only owners add admins. */
export const makeCreateAdmin =
  (deps: Pick<AuthDeps, 'admins' | 'hasher' | 'clock'>) =>
  async (actor: AdminRecord, input: CreateAdminInput): Promise<AdminRecord> => {
    if (actor.role !== 'owner') throw new ForbiddenError('Only an owner can add admins.');
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

/**
 * Removes an admin and ends all their sessions at once (ASVS 7.4.2).
 * Only owners may; nobody removes themselves; the last owner stays (enforced by the store's conditional write).
 */
export const makeRemoveAdmin = (deps: Pick<AuthDeps, 'admins' | 'sessions'>) => {
  const endSessions = makeEndAdminSessions(deps);
  return async (actor: AdminRecord, email: string): Promise<void> => {
    if (actor.role !== 'owner') throw new ForbiddenError('Only an owner can remove admins.');
    if (actor.email === email) throw new ConflictError('You cannot remove yourself. Ask another owner.', 'self_removal');
    const target = await deps.admins.get(email);
    if (!target) throw new NotFoundError('There is no admin with that email.');
    await deps.admins.remove(email, target.role);
    await endSessions(email);
  };
};

/**
 * Changes the caller's own password. The current password is checked independently of the new password's
 * policy (already validated at the edge); other sessions end when asked (ASVS 7.4.3).
 */
export const makeChangePassword = (deps: Pick<AuthDeps, 'admins' | 'sessions' | 'hasher'>) => {
  const endSessions = makeEndAdminSessions(deps);
  return async (
    actor: AdminRecord,
    currentSessionId: string,
    input: { currentPassword: string; newPassword: string; endOtherSessions: boolean },
  ): Promise<{ endedSessions: number }> => {
    if (!(await deps.hasher.verify(input.currentPassword, actor.passwordHash))) {
      // 400, not 401: the caller is signed in; a 401 would send the browser to the login page.
      throw new ValidationError('The current password is wrong.', [{ path: 'currentPassword', message: 'is wrong' }]);
    }
    await deps.admins.setPasswordHash(actor.email, await deps.hasher.hash(input.newPassword));
    const endedSessions = input.endOtherSessions ? await endSessions(actor.email, currentSessionId) : 0;
    return { endedSessions };
  };
};

/** For the CLI when nobody can log in: sets a new password and ends every session of that admin. */
export const makeResetAdminPassword = (deps: Pick<AuthDeps, 'admins' | 'sessions' | 'hasher'>) => {
  const endSessions = makeEndAdminSessions(deps);
  return async (email: string, newPassword: string): Promise<void> => {
    if (!(await deps.admins.get(email))) throw new NotFoundError(`There is no admin with the email ${email}.`);
    await deps.admins.setPasswordHash(email, await deps.hasher.hash(newPassword));
    await endSessions(email);
  };
};
