import { randomInt } from 'node:crypto';

// No look-alikes (0/O, 1/l/I): the admin may read it out to someone.
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/** A mailbox password from the CSPRNG: 20 characters ≈ 116 bits. Shown once, never stored in clear. */
export function generateMailboxPassword(length = 20): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}
