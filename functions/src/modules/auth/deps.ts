import type { Clock } from '../../platform/clock.ts';
import type { AdminStore, MfaChallengeStore, MfaSecretBox, PasswordHasher, SessionPolicy, SessionStore, SetupTokenStore, ThrottlePolicy, ThrottleStore } from './ports.ts';

/** Everything the auth capability needs, wired by a composition root. */
export interface AuthDeps {
  admins: AdminStore;
  sessions: SessionStore;
  throttles: ThrottleStore;
  setupTokens: SetupTokenStore;
  mfaChallenges: MfaChallengeStore;
  /** Seals TOTP secrets at rest and opens them to check a code. */
  mfaSecrets: MfaSecretBox;
  hasher: PasswordHasher;
  clock: Clock;
  sessionPolicy: SessionPolicy;
  throttlePolicy: ThrottlePolicy;
}

/** Who is calling and from where: recorded on sessions and audit entries. */
export interface RequestOrigin {
  ip: string;
  userAgent: string;
}
