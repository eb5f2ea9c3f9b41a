import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { encryptionContext, SecretOpenError, type SecretContext } from './ports.ts';

// AES-256-GCM with a random 96-bit IV and the record's context as additional data: a blob copied into
// another record (another kind or id) fails authentication instead of decrypting.
const aad = (context: SecretContext) => Buffer.from(JSON.stringify(encryptionContext(context)), 'utf8');

/** Encrypts with a 32-byte key; returns iv and ciphertext‖tag, both base64url. */
export function gcmEncrypt(key: Buffer, plaintext: string, context: SecretContext): { iv: string; ct: string } {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad(context));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return { iv: iv.toString('base64url'), ct: ct.toString('base64url') };
}

export function gcmDecrypt(key: Buffer, iv: string, ct: string, context: SecretContext): string {
  try {
    const raw = Buffer.from(ct, 'base64url');
    if (raw.length < 16) throw new Error('short ciphertext');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(aad(context));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    return Buffer.concat([decipher.update(raw.subarray(0, raw.length - 16)), decipher.final()]).toString('utf8');
  } catch (err) {
    throw new SecretOpenError('The sealed secret does not open with this key and context.', { cause: err });
  }
}

/** Splits `v1:<scheme>:<parts…>`; throws SecretOpenError on anything else. */
export function parseSealed(sealed: string, scheme: string, parts: number): string[] {
  const fields = sealed.split(':');
  if (fields.length !== parts + 2 || fields[0] !== 'v1' || fields[1] !== scheme) {
    throw new SecretOpenError(`Not a v1:${scheme} sealed secret.`);
  }
  return fields.slice(2);
}
