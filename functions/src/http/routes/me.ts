import type { Admin, Me } from '@app/shared';
import type { SessionRecord } from '../../modules/auth/ports.ts';
import { sessionDeadline } from '../../modules/auth/start-session.ts';
import type { AppDeps } from '../app-deps.ts';

export const meOf = (
  admin: Admin,
  session: SessionRecord,
  deps: Pick<AppDeps, 'sandbox' | 'sessionIdleMinutes'>,
  mfaEnrolmentRequired = false,
): Me => ({
  admin,
  sessionId: session.id,
  sessionExpiresAt: sessionDeadline(session, deps.sessionIdleMinutes).toISOString(),
  sandbox: deps.sandbox,
  mfaEnabled: admin.mfaEnabled,
  mfaEnrolmentRequired,
});
