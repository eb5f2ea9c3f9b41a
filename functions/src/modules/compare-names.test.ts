import { describe, expect, it } from 'vitest';
import { compareNames } from './compare-names.ts';

const byLocale = (a: string, b: string) => Math.sign(a.localeCompare(b));
const sign = (n: number) => Math.sign(n);

describe('compareNames', () => {
  it('orders names exactly as localeCompare does', () => {
    const names = [
      'a-b.example', 'a.b.example', 'ab.example', 'a0.example', 'a', 'a-', 'a.', '-', '.', '0', '9', 'z', '',
      'xn--bcher-kva.example', 'xn-a.example', 'mail2.example', 'mail10.example', 'oakridge.example', 'pinecone.example',
      // Outside the plain characters: these take localeCompare itself.
      'Abd.example', 'abc.example', 'a_b.example', 'a+b@example.com', 'bücher.example', 'Zeta.example', 'äb.example',
    ];
    for (const a of names) for (const b of names) expect(sign(compareNames(a, b)), `${a} vs ${b}`).toBe(byLocale(a, b));
  });

  it('agrees with localeCompare on many random domain-like names', () => {
    // Weighted towards the characters whose order differs between code units and ICU elsewhere ('-', '.', digits).
    const chars = '-.09azAZ_';
    let seed = 7;
    const next = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const name = () => Array.from({ length: Math.floor(next() * 7) }, () => chars[Math.floor(next() * chars.length)]).join('');
    for (let i = 0; i < 20_000; i++) {
      const [a, b] = [name(), name()];
      expect(sign(compareNames(a, b)), `${a} vs ${b}`).toBe(byLocale(a, b));
    }
  });

  it('sorts a list as localeCompare sorts it', () => {
    const domains = ['pinecone.example', 'northwind.example', 'a-z.example', 'Oakridge.example', 'a.example', 'a0.example'];
    expect([...domains].sort(compareNames)).toEqual([...domains].sort((a, b) => a.localeCompare(b)));
  });
});
