import type { KMSClient } from '@aws-sdk/client-kms';
import { once } from '../../platform/once.ts';
import { gcmEncrypt } from '../../modules/secrets/aes-gcm.ts';
import { encryptionContext, type SecretSealer } from '../../modules/secrets/ports.ts';

/**
 * KMS envelope sealer: one GenerateDataKey per secret (AES_256, encryption context bound to the record),
 * the plaintext data key used once for AES-256-GCM and dropped; the wrapped key travels with the blob.
 * Needs only kms:GenerateDataKey, so the API role can seal but never open.
 */
// The KMS SDK is loaded on the first seal (saving a job's password, a campaign submission), not at a cold start.
export const kmsSdk = once(() => import('./kms-sdk.ts'));

/** `kms`: the client to use; without one, a default client is built on the first seal. */
export function createKmsSecretSealer(kms: KMSClient | undefined, keyId: string): SecretSealer {
  return {
    async seal(plaintext, context) {
      const { KMSClient, GenerateDataKeyCommand } = await kmsSdk();
      kms ??= new KMSClient({});
      const out = await kms.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: encryptionContext(context) }));
      if (!out.Plaintext || !out.CiphertextBlob) throw new Error('KMS GenerateDataKey returned no key.');
      const key = Buffer.from(out.Plaintext);
      try {
        const { iv, ct } = gcmEncrypt(key, plaintext, context);
        return `v1:kms:${Buffer.from(out.CiphertextBlob).toString('base64url')}:${iv}:${ct}`;
      } finally {
        key.fill(0);
      }
    },
  };
}

/** The sealer with the default KMS client (region and credentials from the Lambda environment), built on first use. */
export const createDefaultKmsSecretSealer = (keyId: string): SecretSealer => createKmsSecretSealer(undefined, keyId);
