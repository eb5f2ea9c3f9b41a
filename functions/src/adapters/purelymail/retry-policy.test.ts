import { describe, expect, it } from 'vitest';
import { backoffDelay, isRetryableStatus, MAX_BACKOFF_MS, MAX_RETRY_AFTER_MS, parseRetryAfter } from './retry-policy.ts';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-21T12:00:00Z');

  it('reads delta seconds', () => {
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  it('reads an HTTP date relative to now, never negative', () => {
    expect(parseRetryAfter('Sat, 21 Nov 2026 12:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Sat, 21 Nov 2026 11:00:00 GMT', now)).toBe(0);
  });

  it('caps long waits', () => {
    expect(parseRetryAfter('3600', now)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter('Sun, 22 Nov 2026 12:00:00 GMT', now)).toBe(MAX_RETRY_AFTER_MS);
  });

  it('ignores absent or unreadable values', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-1', now)).toBeUndefined();
  });
});

describe('backoffDelay', () => {
  it('is uniform below an exponentially growing, capped ceiling', () => {
    expect([0, 1, 2, 3].map((a) => backoffDelay(a, () => 0.999))).toEqual([249, 499, 999, 1998]);
    expect(backoffDelay(20, () => 0.999)).toBe(Math.floor(0.999 * MAX_BACKOFF_MS));
    expect(backoffDelay(3, () => 0)).toBe(0);
  });
});

describe('isRetryableStatus', () => {
  it('retries throttling and server errors only', () => {
    expect([429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 404, 409].some(isRetryableStatus)).toBe(false);
  });
});
