import { TooManyRequestsError } from '../errors.ts';
import type { AuthDeps } from './deps.ts';
import { rateLimitKeyForIp } from './client-ip-bucket.ts';

/** One message whichever bucket fired and whether or not the account exists (no enumeration). */
export const THROTTLED_MESSAGE = 'Too many sign-in attempts. Wait a few minutes, then try again.';

// Backoff after the allowed consecutive failures: 30 s, doubling, capped at 15 minutes, so the owner of an
// attacked account is slowed down but never locked out for good (NIST 800-63B §5.2.2).
const BASE_LOCK_MS = 30_000;
const MAX_LOCK_MS = 15 * 60_000;

/** One reserved sign-in attempt (password, 2FA code, re-authentication, or a current-password check). */
export interface LoginAttempt {
  /** Runs the check; if it throws (nothing was decided, e.g. the server was too busy to hash), the attempt is given back. */
  check<T>(run: () => Promise<T>): Promise<T>;
  /** The password (and code) were right: the account's streak this attempt belonged to ends; the IP gets its attempt back. */
  succeeded(): Promise<void>;
  /** Give the attempt back without ending the streak (a right password that still needs its 2FA code). */
  refund(): Promise<void>;
}

/**
 * Two independent buckets: per account (consecutive failures, exponential backoff) and per client IP (attempts
 * in a window; IPv6 clients by /64). Keys never combine IP and account, so one IP cannot sweep many accounts.
 *
 * Every attempt is reserved in both buckets with one conditional write each BEFORE the password or code is
 * looked at, and counts as a failure unless it turns out right. A burst of parallel requests therefore gets at
 * most as many checks as the buckets allow (the account's 5th reservation already sets the 30 s lock), instead
 * of all passing a read-only check made before any of them was counted.
 */
export function makeLoginThrottle(deps: Pick<AuthDeps, 'throttles' | 'clock' | 'throttlePolicy'>) {
  const accountKey = (email: string) => `account#${email}`;
  const ipKey = (ip: string) => `ip#${rateLimitKeyForIp(ip)}`;
  const policy = deps.throttlePolicy;
  const refuse = (retryAt: number, now: number): never => {
    throw new TooManyRequestsError(THROTTLED_MESSAGE, Math.max(1, Math.ceil((retryAt - now) / 1000)));
  };

  return {
    /** Reserves one attempt for `email` from `ip`; TooManyRequestsError when either bucket refuses. */
    async reserve(email: string, ip: string): Promise<LoginAttempt> {
      const now = deps.clock.now().getTime();
      const byIp = await deps.throttles.reserve(ipKey(ip), now, policy.ipWindowMinutes * 60_000, policy.ipFailuresPerWindow);
      if (!byIp.ok) return refuse(byIp.retryAt, now);
      const lockFor = (count: number) => {
        const over = count - policy.accountFailuresBeforeBackoff;
        return over >= 0 ? now + Math.min(BASE_LOCK_MS * 2 ** over, MAX_LOCK_MS) : 0;
      };
      const account = await deps.throttles.reserveConsecutive(accountKey(email), now, lockFor);
      if (!account.ok) {
        await deps.throttles.release(ipKey(ip), byIp.windowStartedAt);
        return refuse(account.retryAt, now);
      }
      const releaseIp = () => deps.throttles.release(ipKey(ip), byIp.windowStartedAt);
      const refund = async () => {
        await Promise.all([deps.throttles.restoreConsecutive(accountKey(email), account.count, account.previous), releaseIp()]);
      };
      return {
        async check(run) {
          try {
            return await run();
          } catch (err) {
            await refund();
            throw err;
          }
        },
        async succeeded() {
          await Promise.all([deps.throttles.clearIf(accountKey(email), account.count), releaseIp()]);
        },
        refund,
      };
    },
  };
}
