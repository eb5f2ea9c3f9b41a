import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { PasswordHasher } from './ports.ts';
import { makeWorkLimiter } from './work-limiter.ts';

/**
 * scrypt jobs at once per process, and how many more may wait. Node's thread pool has 4 threads shared with
 * file, DNS and database I/O: two stay free for the rest of the server. Sixteen waiting is a few seconds of work
 * at N=2^17; more sign-ins than that at once get 429 (the client retries).
 */
export const SCRYPT_LIMITS = { concurrency: 2, maxWaiting: 16 };

const scrypt = (password: string, salt: Buffer, keylen: number, opts: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) => scryptCb(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))));

/**
 * scrypt at OWASP's recommendation (N=2^17, r=8, p=1). The parameters travel inside the stored string
 * (`scrypt$17$8$1$<salt>$<hash>`), so they can be raised later and old hashes rehashed at the next login.
 * At most SCRYPT_LIMITS.concurrency hashes run at once; beyond the waiting room, TooManyRequestsError (429).
 */
export function createScryptPasswordHasher(logN = 17, limits = SCRYPT_LIMITS): PasswordHasher {
  const limiter = makeWorkLimiter(limits);
  const r = 8;
  const p = 1;
  const maxmem = 256 * 1024 * 1024;
  return {
    async hash(password) {
      const salt = randomBytes(16);
      const key = await limiter.run(() => scrypt(password.normalize('NFC'), salt, 32, { N: 2 ** logN, r, p, maxmem }));
      return ['scrypt', logN, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
    },
    async verify(password, stored) {
      const parts = stored.split('$');
      if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
      const [, n, rr, pp, saltB64, keyB64] = parts as [string, string, string, string, string, string];
      const expected = Buffer.from(keyB64, 'base64url');
      const key = await limiter.run(() =>
        scrypt(password.normalize('NFC'), Buffer.from(saltB64, 'base64url'), expected.length, {
          N: 2 ** Number(n),
          r: Number(rr),
          p: Number(pp),
          maxmem,
        }),
      );
      return key.length === expected.length && timingSafeEqual(key, expected);
    },
    needsRehash(stored) {
      const [, n] = stored.split('$');
      return Number(n) < logN;
    },
  };
}
