import { UnauthorizedError } from '../errors.ts';
import type { AuthDeps } from './deps.ts';
import type { AdminRecord, SessionRecord } from './ports.ts';
import { hashToken } from './session-token.ts';
import { sessionDeadline } from './start-session.ts';

// Writing lastSeenAt on every request would double the cost of each call; a minute's precision is enough
// for a 30-minute idle timeout.
const TOUCH_EVERY_MS = 60_000;

/**
 * Resolves a cookie token to its session and admin, enforcing idle and absolute timeouts in code
 * (TTL deletion can lag by days). Reads the store on every request, so revocation takes effect at once.
 * 1. Hash the token and load the session  2. Reject if expired (and delete it)  3. Load the admin (removed
 * admins lose their sessions)  4. Refresh lastSeenAt at most once a minute.
 */
export const makeAuthenticate =
  (deps: Pick<AuthDeps, 'sessions' | 'admins' | 'clock' | 'sessionPolicy'>) =>
  async (token: string | undefined): Promise<{ session: SessionRecord; admin: AdminRecord }> => {
    if (!token || token.length > 100) throw new UnauthorizedError('Please sign in.');
    const id = hashToken(token);
    const session = await deps.sessions.get(id);
    if (!session) throw new UnauthorizedError('Please sign in.');
    const now = deps.clock.now();
    if (now >= sessionDeadline(session, deps.sessionPolicy.idleMinutes)) {
      await deps.sessions.delete(id);
      throw new UnauthorizedError('Your session has expired. Please sign in again.');
    }
    const admin = await deps.admins.get(session.adminEmail);
    if (!admin) {
      await deps.sessions.delete(id);
      throw new UnauthorizedError('Please sign in.');
    }
    if (now.getTime() - new Date(session.lastSeenAt).getTime() >= TOUCH_EVERY_MS) {
      const touched = { ...session, lastSeenAt: now.toISOString() };
      await deps.sessions.touch(id, touched.lastSeenAt, sessionDeadline(touched, deps.sessionPolicy.idleMinutes));
      return { session: touched, admin };
    }
    return { session, admin };
  };
