import type { SessionInfo } from '@app/shared';
import { whyNot } from '@app/shared';
import { ForbiddenError, NotFoundError } from '../errors.ts';
import type { AuthDeps } from './deps.ts';
import type { AdminRecord } from './ports.ts';
import { describeDevice } from './describe-device.ts';
import { sessionDeadline } from './start-session.ts';

/** Every live admin session, newest activity first; expired ones are left out even if TTL has not removed them. */
export const makeListSessions =
  (deps: Pick<AuthDeps, 'sessions' | 'admins' | 'clock' | 'sessionPolicy'>) =>
  async (currentId: string): Promise<SessionInfo[]> => {
    const now = deps.clock.now();
    const [sessions, admins] = await Promise.all([deps.sessions.list(), deps.admins.list()]);
    const names = new Map(admins.map((a) => [a.email, a.name]));
    return sessions
      .filter((s) => now < sessionDeadline(s, deps.sessionPolicy.idleMinutes) && names.has(s.adminEmail))
      .sort((a, b) => b.lastSeenAt.localeCompare(a.lastSeenAt))
      .map((s) => ({
        id: s.id,
        adminEmail: s.adminEmail,
        adminName: names.get(s.adminEmail) ?? s.adminEmail,
        userAgent: s.userAgent,
        device: describeDevice(s.userAgent),
        ip: s.ip,
        createdAt: s.createdAt,
        lastSeenAt: s.lastSeenAt,
        current: s.id === currentId,
      }));
  };

/**
 * Ends one session; the next request with it gets 401. One's own sessions are one's own to end; another
 * admin's only an owner may end (ASVS 7.4.5: admins can end sessions for one user or all users).
 */
export const makeRevokeSession = (deps: Pick<AuthDeps, 'sessions'>) => async (actor: Pick<AdminRecord, 'email' | 'role'>, id: string): Promise<void> => {
  const session = await deps.sessions.get(id);
  if (!session) throw new NotFoundError('That session has already ended.');
  const refused = session.adminEmail !== actor.email && whyNot(actor.role, 'end-others-sessions');
  if (refused) throw new ForbiddenError(refused);
  await deps.sessions.delete(id);
};

/** Ends every session of one admin, optionally sparing one (the caller's own). Returns how many ended. */
export const makeEndAdminSessions =
  (deps: Pick<AuthDeps, 'sessions'>) =>
  async (email: string, exceptId?: string): Promise<number> => {
    const sessions = (await deps.sessions.listForAdmin(email)).filter((s) => s.id !== exceptId);
    await Promise.all(sessions.map((s) => deps.sessions.delete(s.id)));
    return sessions.length;
  };
