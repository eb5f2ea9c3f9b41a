import { describe, expect, it } from 'vitest';
import { DEFAULT_PASSWORD_LENGTH, generatePassword, PASSWORD_ALPHABET } from './password-generator.ts';

describe('generatePassword', () => {
  it('makes 20 characters from the alphabet, with every character class', () => {
    const all = Object.values(PASSWORD_ALPHABET).join('');
    for (let i = 0; i < 200; i++) {
      const p = generatePassword();
      expect(p).toHaveLength(DEFAULT_PASSWORD_LENGTH);
      expect([...p].every((c) => all.includes(c))).toBe(true);
      for (const set of Object.values(PASSWORD_ALPHABET)) expect([...p].some((c) => set.includes(c))).toBe(true);
    }
  });

  it('differs every time and honours the length', () => {
    const seen = new Set(Array.from({ length: 100 }, () => generatePassword(24)));
    expect(seen.size).toBe(100);
    expect([...seen][0]).toHaveLength(24);
    expect(() => generatePassword(4)).toThrow(RangeError);
  });

  it('draws from the RNG it is given, rejecting values that would bias the result', () => {
    // A fake RNG: first a value in the biased tail (rejected), then a fixed sequence.
    let n = 0;
    const values = [0xffffffff, ...Array.from({ length: 400 }, (_, i) => i * 7919)];
    const fill = (b: Uint32Array<ArrayBuffer>) => ((b[0] = values[n++ % values.length]!), b);
    const p = generatePassword(12, fill);
    expect(p).toHaveLength(12);
    n = 0;
    expect(generatePassword(12, fill)).toBe(p);
  });
});
