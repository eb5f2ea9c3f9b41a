/** Backoff for read operations: exponential with full jitter, overridden by a capped Retry-After. */

export const BASE_DELAY_MS = 250;
export const MAX_BACKOFF_MS = 8_000;
/** A server asking for a longer wait than this is treated as if it asked for this; a Lambda cannot wait longer anyway. */
export const MAX_RETRY_AFTER_MS = 30_000;

/** Statuses worth retrying: throttling and server-side failures. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Full jitter: a uniform delay in [0, min(cap, base * 2^attempt)). `attempt` counts from 0. */
export function backoffDelay(attempt: number, random: () => number): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, BASE_DELAY_MS * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

/** Parses Retry-After (delta seconds or an HTTP date) into milliseconds, capped; undefined if absent or unreadable. */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (header === null) return undefined;
  const trimmed = header.trim();
  let ms: number;
  if (/^\d+$/.test(trimmed)) {
    ms = Number(trimmed) * 1000;
  } else {
    // Only an HTTP date (it has a weekday and month name); Date.parse would read "-1" as a year.
    if (!/[a-z]/i.test(trimmed)) return undefined;
    const at = Date.parse(trimmed);
    if (Number.isNaN(at)) return undefined;
    ms = Math.max(0, at - now);
  }
  return Math.min(ms, MAX_RETRY_AFTER_MS);
}
