import type { KMSClient } from '@aws-sdk/client-kms';
import { gcmDecrypt, parseSealed } from '../../modules/secrets/aes-gcm.ts';
import { encryptionContext, SecretOpenError, type SecretOpener } from '../../modules/secrets/ports.ts';
import { kmsSdk } from './kms-secret-sealer.ts';

/**
 * KMS envelope opener, for the worker task role (the only one with kms:Decrypt, under the same context).
 * `kms`: the client to use; without one, a default client is built on the first open (the SDK loads then).
 */
export function createKmsSecretOpener(kms: KMSClient | undefined, keyId: string): SecretOpener {
  return {
    async open(sealed, context) {
      const [edk, iv, ct] = parseSealed(sealed, 'kms', 3) as [string, string, string];
      const { KMSClient, DecryptCommand } = await kmsSdk();
      kms ??= new KMSClient({});
      let plaintextKey: Uint8Array | undefined;
      try {
        const out = await kms.send(new DecryptCommand({ KeyId: keyId, CiphertextBlob: Buffer.from(edk, 'base64url'), EncryptionContext: encryptionContext(context) }));
        plaintextKey = out.Plaintext;
      } catch (err) {
        // InvalidCiphertextException is what a wrong context gives: fail closed, never retry with another.
        if ((err as { name?: string }).name === 'InvalidCiphertextException') throw new SecretOpenError('KMS refused to open the data key for this context.', { cause: err });
        throw err;
      }
      if (!plaintextKey) throw new SecretOpenError('KMS Decrypt returned no key.');
      const key = Buffer.from(plaintextKey);
      try {
        return gcmDecrypt(key, iv, ct, context);
      } finally {
        key.fill(0);
      }
    },
  };
}
