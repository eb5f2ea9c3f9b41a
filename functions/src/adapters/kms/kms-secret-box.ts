import type { KMSClient } from '@aws-sdk/client-kms';
import type { SecretOpener, SecretSealer } from '../../modules/secrets/ports.ts';
import { createKmsSecretOpener } from './kms-secret-opener.ts';
import { createKmsSecretSealer, kmsSdk } from './kms-secret-sealer.ts';

/**
 * Seal and open with one KMS client, for secrets the API itself must read back (admins' TOTP secrets, under
 * their own encryption-context purpose; IAM lets the API Decrypt that purpose only).
 */
export function createDefaultKmsSecretBox(keyId: string): SecretSealer & SecretOpener {
  // One client for both, built on the first seal or open (when the KMS SDK loads).
  let kms: Promise<KMSClient> | undefined;
  const client = () => (kms ??= kmsSdk().then(({ KMSClient }) => new KMSClient({})));
  return {
    seal: async (plaintext, context) => createKmsSecretSealer(await client(), keyId).seal(plaintext, context),
    open: async (sealed, context) => createKmsSecretOpener(await client(), keyId).open(sealed, context),
  };
}
