import type { AuthDeps } from './deps.ts';
import { hashToken, newSessionToken } from './session-token.ts';

const CHALLENGE_TTL_MS = 5 * 60_000;
/** Wrong codes one challenge survives; the login throttle also counts each one. */
export const MAX_CODE_ATTEMPTS = 5;
export const CHALLENGE_EXPIRED = 'This sign-in has expired or was already used. Enter your email and password again.';

/** A 256-bit single-use token standing for "password verified" for 5 minutes; only its SHA-256 is stored. */
export const makeIssueMfaChallenge =
  (deps: Pick<AuthDeps, 'mfaChallenges' | 'clock'>) =>
  async (adminEmail: string): Promise<string> => {
    const { token, id } = newSessionToken();
    const expiresAt = new Date(deps.clock.now().getTime() + CHALLENGE_TTL_MS).toISOString();
    await deps.mfaChallenges.put({ id, adminEmail, expiresAt, attempts: 0 });
    return token;
  };

/** Whose login a challenge continues (for the audit entry), or undefined when unknown or expired. */
export const makeMfaChallengeOwner =
  (deps: Pick<AuthDeps, 'mfaChallenges' | 'clock'>) =>
  async (challenge: string): Promise<string | undefined> => {
    const found = await deps.mfaChallenges.get(hashToken(challenge));
    return found && new Date(found.expiresAt) > deps.clock.now() ? found.adminEmail : undefined;
  };
