import type { Settings } from '@app/shared';
import { UnauthorizedError } from '../errors.ts';
import type { AuthDeps } from './deps.ts';
import type { AdminRecord, SessionRecord } from './ports.ts';
import { parseSessionCookie, sameAdmin } from './session-token.ts';
import { sessionDeadline } from './start-session.ts';

// Writing lastSeenAt on every request would double the cost of each call; a minute's precision is enough
// for a 30-minute idle timeout.
const TOUCH_EVERY_MS = 60_000;
const SIGN_IN = 'Please sign in.';

export interface Authenticated {
  session: SessionRecord;
  admin: AdminRecord;
  /** The stored panel settings read in the same round trip (undefined until first saved). */
  settings: Settings | undefined;
  /**
   * The once-a-minute lastSeenAt write, already started: the caller awaits it before answering, so it runs
   * alongside the request's own work instead of before it. Undefined when no write was due.
   */
  touched: Promise<void> | undefined;
}

/**
 * Resolves a session cookie (`<adminKey>.<token>`) to its session and admin, enforcing idle and absolute
 * timeouts in code (TTL deletion can lag by days). One store round trip per request (session, admin and
 * settings in one batched, strongly consistent read) and nothing cached across requests, so logout,
 * revocation, admin removal and password changes take effect on the very next request.
 * 1. Parse the cookie (anything else, including the old token-only format, is 401)  2. Read session, admin
 * and settings together  3. Reject an unknown session, or one whose admin differs from the cookie's claim
 * (constant-time, fails closed)  4. Reject if expired (and delete it)  5. Reject if the admin is gone (and
 * delete the session)  6. Start the lastSeenAt refresh at most once a minute.
 */
export const makeAuthenticate =
  (deps: Pick<AuthDeps, 'sessions' | 'clock' | 'sessionPolicy'>) =>
  async (cookie: string | undefined): Promise<Authenticated> => {
    const parsed = parseSessionCookie(cookie);
    if (!parsed) throw new UnauthorizedError(SIGN_IN);
    const { sessionId: id, adminEmail } = parsed;
    const { session, admin, settings } = await deps.sessions.getForRequest(id, adminEmail);
    if (!session || !sameAdmin(session.adminEmail, adminEmail)) throw new UnauthorizedError(SIGN_IN);
    const now = deps.clock.now();
    if (now >= sessionDeadline(session, deps.sessionPolicy.idleMinutes)) {
      await deps.sessions.delete(id);
      throw new UnauthorizedError('Your session has expired. Please sign in again.');
    }
    if (!admin) {
      await deps.sessions.delete(id);
      throw new UnauthorizedError(SIGN_IN);
    }
    if (now.getTime() - new Date(session.lastSeenAt).getTime() < TOUCH_EVERY_MS) return { session, admin, settings, touched: undefined };
    const touchedSession = { ...session, lastSeenAt: now.toISOString() };
    const touched = deps.sessions.touch(id, touchedSession.lastSeenAt, sessionDeadline(touchedSession, deps.sessionPolicy.idleMinutes));
    return { session: touchedSession, admin, settings, touched };
  };
