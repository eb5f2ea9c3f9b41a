import { KMSClient } from '@aws-sdk/client-kms';
import type { SecretOpener, SecretSealer } from '../../modules/secrets/ports.ts';
import { createKmsSecretOpener } from './kms-secret-opener.ts';
import { createKmsSecretSealer } from './kms-secret-sealer.ts';

/**
 * Seal and open with one KMS client, for secrets the API itself must read back (admins' TOTP secrets, under
 * their own encryption-context purpose; IAM lets the API Decrypt that purpose only).
 */
export function createDefaultKmsSecretBox(keyId: string): SecretSealer & SecretOpener {
  const kms = new KMSClient({});
  return { ...createKmsSecretSealer(kms, keyId), ...createKmsSecretOpener(kms, keyId) };
}
