import { randomBytes, randomInt, scrypt as scryptCb } from 'node:crypto';

// 32 symbols without look-alikes (no I, O, 0, 1): 10 of them carry 50 bits. Under 112 bits, so they are
// stored with a password hash (scrypt, per-admin salt), not a plain one (ASVS 5.0 6.5.2).
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const LENGTH = 10;
export const RECOVERY_CODE_COUNT = 10;
// 16 MiB and a few tens of milliseconds per guess: cheap for one sign-in, costly for an offline search.
const SCRYPT = { N: 2 ** 14, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

/** Ten new codes as shown to the admin (`ABCDE-FGHJK`). */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const raw = Array.from({ length: LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    return `${raw.slice(0, 5)}-${raw.slice(5)}`;
  });
}

export const newRecoverySalt = (): string => randomBytes(16).toString('base64url');

/** Upper-cases and drops spaces and dashes; undefined when it cannot be a recovery code. */
export function normaliseRecoveryCode(input: string): string | undefined {
  const s = input.toUpperCase().replace(/[\s-]/g, '');
  return s.length === LENGTH && [...s].every((ch) => ALPHABET.includes(ch)) ? s : undefined;
}

export function hashRecoveryCode(normalised: string, salt: string): Promise<string> {
  return new Promise((resolve, reject) =>
    scryptCb(normalised, Buffer.from(salt, 'base64url'), 32, SCRYPT, (err, key) => (err ? reject(err) : resolve(key.toString('base64url')))),
  );
}
