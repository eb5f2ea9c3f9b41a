import { createHash, randomBytes } from 'node:crypto';

/**
 * The browser check of the public form: find `nonce` (decimal digits) such that SHA-256 of the UTF-8 bytes of
 * `prefix + nonce` begins with `difficulty` zero bits. Expected work is 2^difficulty hashes for the solver
 * and one hash for us.
 */

/** Challenge ids: 128 random bits (a guessed id finds nothing; ids are single use anyway). */
export const newChallengeId = (): string => `pow_${randomBytes(16).toString('hex')}`;
export const CHALLENGE_ID_PATTERN = /^pow_[0-9a-f]{32}$/;

/** 128 random bits, base64url: a solution for one prefix is worthless for any other. */
export const newChallengePrefix = (): string => randomBytes(16).toString('base64url');

/** Number of leading zero bits of a byte string. */
export function leadingZeroBits(bytes: Uint8Array): number {
  let bits = 0;
  for (const byte of bytes) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

/**
 * Whether `nonce` solves the challenge `prefix` at `difficulty` bits.
 * @example solvesChallenge('abc', '1234', 15) // true only if SHA-256("abc1234") starts with 15 zero bits
 */
export function solvesChallenge(prefix: string, nonce: string, difficulty: number): boolean {
  if (!/^[0-9]{1,16}$/.test(nonce)) return false;
  return leadingZeroBits(createHash('sha256').update(prefix + nonce, 'utf8').digest()) >= difficulty;
}
