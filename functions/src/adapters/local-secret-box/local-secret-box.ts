import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { gcmDecrypt, gcmEncrypt, parseSealed } from '../../modules/secrets/aes-gcm.ts';
import type { SecretOpener, SecretSealer } from '../../modules/secrets/ports.ts';

/**
 * Reads the 32-byte master key, creating it (mode 0600, exclusive create) on first use. A key file other
 * users can read is tightened to 0600 rather than trusted silently.
 */
export function loadOrCreateMasterKey(path: string): Buffer {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  try {
    writeFileSync(path, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`The master key file ${path} does not hold a 32-byte base64 key.`);
  return key;
}

/** Local sealer: AES-256-GCM directly under the master key, the record's context as additional data. */
export function createLocalSecretSealer(keyFile: string): SecretSealer {
  const key = loadOrCreateMasterKey(keyFile);
  return {
    async seal(plaintext, context) {
      const { iv, ct } = gcmEncrypt(key, plaintext, context);
      return `v1:local:${iv}:${ct}`;
    },
  };
}

/** Local opener, for the worker process only (the API side is never given one). */
export function createLocalSecretOpener(keyFile: string): SecretOpener {
  const key = loadOrCreateMasterKey(keyFile);
  return {
    async open(sealed, context) {
      const [iv, ct] = parseSealed(sealed, 'local', 2) as [string, string];
      return gcmDecrypt(key, iv, ct, context);
    },
  };
}
