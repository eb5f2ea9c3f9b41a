import { TooManyRequestsError } from '../errors.ts';
import type { AuthDeps } from './deps.ts';

/** One message whichever bucket fired and whether or not the account exists (no enumeration). */
export const THROTTLED_MESSAGE = 'Too many sign-in attempts. Wait a few minutes, then try again.';

// Backoff after the allowed consecutive failures: 30 s, doubling, capped at 15 minutes, so the owner of an
// attacked account is slowed down but never locked out for good (NIST 800-63B §5.2.2).
const BASE_LOCK_MS = 30_000;
const MAX_LOCK_MS = 15 * 60_000;

/**
 * Two independent buckets: per account (consecutive failures, exponential backoff) and per client IP
 * (failures in a window). Keys never combine IP and account, so one IP cannot sweep many accounts.
 */
export function makeLoginThrottle(deps: Pick<AuthDeps, 'throttles' | 'clock' | 'throttlePolicy'>) {
  const accountKey = (email: string) => `account#${email}`;
  const ipKey = (ip: string) => `ip#${ip}`;
  const policy = deps.throttlePolicy;

  return {
    /** Throws TooManyRequestsError when either bucket is locked. Call before verifying a password. */
    async check(email: string, ip: string): Promise<void> {
      const now = deps.clock.now().getTime();
      const [account, byIp] = await Promise.all([deps.throttles.get(accountKey(email)), deps.throttles.get(ipKey(ip))]);
      const until = Math.max(account?.lockedUntil ?? 0, byIp?.lockedUntil ?? 0);
      if (until > now) throw new TooManyRequestsError(THROTTLED_MESSAGE, Math.ceil((until - now) / 1000));
    },

    async recordFailure(email: string, ip: string): Promise<void> {
      const now = deps.clock.now().getTime();
      const windowMs = policy.ipWindowMinutes * 60_000;
      // Consecutive failures per account never expire by window: a success clears them.
      const [account, byIp] = await Promise.all([
        deps.throttles.addFailure(accountKey(email), now, 24 * 3_600_000),
        deps.throttles.addFailure(ipKey(ip), now, windowMs),
      ]);
      const over = account.failures - policy.accountFailuresBeforeBackoff;
      if (over >= 0) await deps.throttles.lockUntil(accountKey(email), now + Math.min(BASE_LOCK_MS * 2 ** over, MAX_LOCK_MS));
      if (byIp.failures >= policy.ipFailuresPerWindow) await deps.throttles.lockUntil(ipKey(ip), byIp.windowStartedAt + windowMs);
    },

    async recordSuccess(email: string): Promise<void> {
      await deps.throttles.clear(accountKey(email));
    },
  };
}
