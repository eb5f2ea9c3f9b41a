import { GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { gcmEncrypt } from '../../modules/secrets/aes-gcm.ts';
import { encryptionContext, type SecretSealer } from '../../modules/secrets/ports.ts';

/**
 * KMS envelope sealer: one GenerateDataKey per secret (AES_256, encryption context bound to the record),
 * the plaintext data key used once for AES-256-GCM and dropped; the wrapped key travels with the blob.
 * Needs only kms:GenerateDataKey, so the API role can seal but never open.
 */
export function createKmsSecretSealer(kms: KMSClient, keyId: string): SecretSealer {
  return {
    async seal(plaintext, context) {
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

/** The sealer with a default KMS client, for a composition root that loads this module on first use. */
export const createDefaultKmsSecretSealer = (keyId: string): SecretSealer => createKmsSecretSealer(new KMSClient({}), keyId);
