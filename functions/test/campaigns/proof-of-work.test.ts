import { describe, expect, it } from 'vitest';
import { CHALLENGE_ID_PATTERN, leadingZeroBits, newChallengeId, newChallengePrefix, solvesChallenge } from '../../src/modules/campaigns/proof-of-work.ts';
import { solvePow } from './solve-pow.ts';

// The verifier of the browser check, on fixed vectors and against an independent solver.
describe('proof-of-work verifier', () => {
  it('counts leading zero bits', () => {
    expect(leadingZeroBits(Uint8Array.of(0x80, 0))).toBe(0);
    expect(leadingZeroBits(Uint8Array.of(0x01, 0xff))).toBe(7);
    expect(leadingZeroBits(Uint8Array.of(0, 0x6c))).toBe(9);
    expect(leadingZeroBits(Uint8Array.of(0, 0, 0x0f))).toBe(20);
    expect(leadingZeroBits(new Uint8Array(4))).toBe(32);
  });

  it('accepts a nonce exactly up to the zero bits its hash has', () => {
    // SHA-256("purelymanage-test-73741") = 00006cd2…: 17 leading zero bits, the first nonce with 16 or more.
    expect(solvesChallenge('purelymanage-test-', '73741', 15)).toBe(true);
    expect(solvesChallenge('purelymanage-test-', '73741', 17)).toBe(true);
    expect(solvesChallenge('purelymanage-test-', '73741', 18)).toBe(false);
    expect(solvesChallenge('purelymanage-test-', '73740', 16)).toBe(false);
    expect(solvePow('purelymanage-test-', 16)).toBe('73741');
    // The same nonce is worthless for another prefix.
    expect(solvesChallenge('purelymanage-tesT-', '73741', 16)).toBe(false);
  });

  it('refuses nonces that are not 1 to 16 decimal digits, whatever their hash', () => {
    for (const nonce of ['', ' 1', '+1', '1e3', '0x1', '12345678901234567', '７']) expect(solvesChallenge('p', nonce, 0), JSON.stringify(nonce)).toBe(false);
    expect(solvesChallenge('p', '0', 0)).toBe(true);
  });

  it('agrees with the independent solver on fresh random challenges', () => {
    for (let i = 0; i < 5; i++) {
      const prefix = newChallengePrefix();
      expect(prefix).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(solvesChallenge(prefix, solvePow(prefix, 12), 12)).toBe(true);
    }
    expect(newChallengeId()).toMatch(CHALLENGE_ID_PATTERN);
    expect(newChallengeId()).not.toBe(newChallengeId());
  });
});
