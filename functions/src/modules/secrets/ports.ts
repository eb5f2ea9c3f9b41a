/**
 * Sealed credentials. The API seals (it may hold a SecretSealer only); the migration worker opens its own
 * job's secrets (SecretOpener). Two ports so the API side has no way to open: on AWS its role has no
 * kms:Decrypt, locally it simply never receives an opener.
 */

/** What a sealed value is bound to: the record it belongs to. Never secret; part of the AEAD/KMS context. */
export interface SecretContext {
  /**
   * What the secret is for (KMS encryption context `purpose`, which IAM conditions name); default migration
   * credentials (SECRET_PURPOSE). Admins' TOTP secrets use MFA_SECRET_PURPOSE (modules/auth/mfa-secret-box.ts).
   */
  purpose?: string;
  /** e.g. `migration-job-source` */
  kind: string;
  /** The record's id (a job id). */
  id: string;
}

/** The purpose every migration credential is sealed under (KMS encryption context `purpose`). */
export const SECRET_PURPOSE = 'migration-credentials';

/** An opaque, self-describing string (`v1:<scheme>:…`) safe to store; useless without the key and the context. */
export type SealedSecret = string;

export interface SecretSealer {
  seal(plaintext: string, context: SecretContext): Promise<SealedSecret>;
}

export interface SecretOpener {
  /** Throws SecretOpenError when the blob was tampered with or the context does not match. */
  open(sealed: SealedSecret, context: SecretContext): Promise<string>;
}

/** A sealed secret could not be opened (wrong context, tampered blob, wrong key). Says nothing about the content. */
export class SecretOpenError extends Error {
  override name = 'SecretOpenError';
}

/** The context in the fixed key order used as AES-GCM additional data and as the KMS encryption context. */
export function encryptionContext(context: SecretContext): Record<string, string> {
  return { purpose: context.purpose ?? SECRET_PURPOSE, kind: context.kind, id: context.id };
}
