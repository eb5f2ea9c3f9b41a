import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { solveChallenge } from './solve-challenge.ts';

/** Zero bits at the start of SHA-256(prefix + nonce), computed with node:crypto (not the code under test). */
const zeroBits = (text: string) => {
  const hex = createHash('sha256').update(text).digest('hex');
  return [...hex].map((c) => parseInt(c, 16).toString(2).padStart(4, '0')).join('').indexOf('1');
};

describe('solveChallenge (the public page’s browser check)', () => {
  it('finds the first nonce whose hash has enough leading zero bits', async () => {
    // SHA-256("purelymanage-test-2604") starts 0007bb98: 13 zero bits, the first nonce with 12 or more.
    expect(await solveChallenge({ prefix: 'purelymanage-test-', difficulty: 12 })).toBe('2604');
    expect(await solveChallenge({ prefix: 'purelymanage-test-', difficulty: 13 })).toBe('2604');
  });

  it('answers fresh challenges with a nonce the server would accept', async () => {
    for (const prefix of ['AbCdEfGhIjKlMnOpQrStUv', 'x_y-z0123456789abcdefg']) {
      const nonce = await solveChallenge({ prefix, difficulty: 10 });
      expect(nonce).toMatch(/^[0-9]{1,16}$/);
      expect(zeroBits(`${prefix}${nonce}`)).toBeGreaterThanOrEqual(10);
      for (let n = 0; n < Number(nonce); n++) expect(zeroBits(`${prefix}${n}`)).toBeLessThan(10);
    }
  });
});
