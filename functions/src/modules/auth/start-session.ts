import type { AuthDeps, RequestOrigin } from './deps.ts';
import { newSessionToken, sessionCookieValue } from './session-token.ts';
import type { SessionRecord } from './ports.ts';

/**
 * Creates a fresh session (a new token at every authentication: no fixation) and returns the cookie value
 * (`<adminKey>.<token>`). Every session starts right after the password (and 2FA) was checked, so that
 * moment is its `authAt`.
 */
export const makeStartSession =
  (deps: Pick<AuthDeps, 'sessions' | 'clock' | 'sessionPolicy'>) =>
  async (adminEmail: string, origin: RequestOrigin): Promise<{ cookie: string; session: SessionRecord }> => {
    const now = deps.clock.now();
    const { token, id } = newSessionToken();
    const session: SessionRecord = {
      id,
      adminEmail,
      ip: origin.ip,
      userAgent: origin.userAgent.slice(0, 300),
      createdAt: now.toISOString(),
      lastSeenAt: now.toISOString(),
      absoluteExpiresAt: new Date(now.getTime() + deps.sessionPolicy.absoluteHours * 3_600_000).toISOString(),
      authAt: now.toISOString(),
    };
    await deps.sessions.create(session);
    return { cookie: sessionCookieValue(adminEmail, token), session };
  };

/** When the session stops being valid: the earlier of the idle and the absolute deadline. */
export function sessionDeadline(session: SessionRecord, idleMinutes: number): Date {
  const idle = new Date(session.lastSeenAt).getTime() + idleMinutes * 60_000;
  return new Date(Math.min(idle, new Date(session.absoluteExpiresAt).getTime()));
}
