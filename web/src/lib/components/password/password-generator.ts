/**
 * Random passwords for mailboxes, from the browser's crypto RNG (never Math.random).
 * The alphabet leaves out look-alikes (0/O, 1/l/I) and characters some mail clients and shells mangle
 * (quotes, backslash, spaces), so a password survives being read aloud or pasted into a client.
 */
export const PASSWORD_ALPHABET = {
  lower: 'abcdefghijkmnopqrstuvwxyz',
  upper: 'ABCDEFGHJKLMNPQRSTUVWXYZ',
  digits: '23456789',
  symbols: '-_.!@#%+=?*',
} as const;

export const DEFAULT_PASSWORD_LENGTH = 20;
const ALL = Object.values(PASSWORD_ALPHABET).join('');

type RandomFill = (bytes: Uint32Array<ArrayBuffer>) => Uint32Array<ArrayBuffer>;
const cryptoFill: RandomFill = (bytes) => crypto.getRandomValues(bytes);

/** A uniform index in [0, n) by rejection sampling (no modulo bias). */
function uniform(n: number, fill: RandomFill): number {
  const limit = Math.floor(0x1_0000_0000 / n) * n;
  const buf = new Uint32Array(1);
  for (;;) {
    const v = fill(buf)[0]!;
    if (v < limit) return v % n;
  }
}

/**
 * A password of `length` characters (20 by default) with at least one lower-case letter, upper-case letter,
 * digit and symbol; drawn uniformly, redrawn whole until it has all four (so no position is predictable).
 *
 * @example generatePassword() // "q7R-mZt!4xHp=Kd9aLw_"
 */
export function generatePassword(length = DEFAULT_PASSWORD_LENGTH, fill: RandomFill = cryptoFill): string {
  if (!Number.isInteger(length) || length < 8 || length > 128) throw new RangeError('length must be between 8 and 128');
  for (;;) {
    let out = '';
    for (let i = 0; i < length; i++) out += ALL[uniform(ALL.length, fill)];
    if (Object.values(PASSWORD_ALPHABET).every((set) => [...out].some((c) => set.includes(c)))) return out;
  }
}
