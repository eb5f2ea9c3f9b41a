import type { AuthDeps, RequestOrigin } from './deps.ts';
import { makeEndAdminSessions } from './manage-sessions.ts';
import type { SessionRecord } from './ports.ts';
import { makeStartSession } from './start-session.ts';

/**
 * After a re-authentication or a change of factor: the current token is replaced by a new one (ASVS 7.2.4)
 * and, when asked, the admin's other sessions end (ASVS 7.4.3).
 */
export const makeRotateSession = (deps: Pick<AuthDeps, 'sessions' | 'clock' | 'sessionPolicy'>) => {
  const startSession = makeStartSession(deps);
  const endSessions = makeEndAdminSessions(deps);
  return async (
    email: string,
    currentSessionId: string,
    origin: RequestOrigin,
    endOthers: boolean,
  ): Promise<{ cookie: string; session: SessionRecord; endedSessions: number }> => {
    await deps.sessions.delete(currentSessionId);
    const endedSessions = endOthers ? await endSessions(email, currentSessionId) : 0;
    const { cookie, session } = await startSession(email, origin);
    return { cookie, session, endedSessions };
  };
};
