import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Equality of two secrets in constant time: both are hashed to 32 bytes first, so neither where they differ nor
 * their lengths change how long the comparison takes (`===` stops at the first different character).
 * @example safeEqual(request.header('x-origin-verify') ?? '', expected)
 */
export function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}
