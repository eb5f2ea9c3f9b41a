import type { SecretContext, SecretOpener, SecretSealer } from '../secrets/ports.ts';
import type { MfaSecretBox } from './ports.ts';

/**
 * The purpose admins' TOTP secrets are sealed under (KMS encryption context). The API may seal and open these
 * (it checks codes); the migration task role may not, and the API still cannot open migration credentials.
 * Defined here, not beside SECRET_PURPOSE, so the sign-in path imports no value from the migrations' secrets
 * module (esbuild would split it into one more chunk read at every cold start).
 */
export const MFA_SECRET_PURPOSE = 'admin-mfa';

// Bound to the admin: a sealed secret copied onto another admin's item does not open.
const context = (adminEmail: string): SecretContext => ({ purpose: MFA_SECRET_PURPOSE, kind: 'totp', id: adminEmail });

/**
 * Admins' TOTP secrets at rest, sealed like IMAP credentials (KMS envelope on AWS, AES-256-GCM under the local
 * master key) with their own purpose. A stored value that is not a sealed blob predates sealing: it opens as
 * itself, marked legacy, and is sealed again at its next successful use.
 */
export function makeMfaSecretBox(box: SecretSealer & SecretOpener): MfaSecretBox {
  return {
    seal: (secret, adminEmail) => box.seal(secret, context(adminEmail)),
    async open(stored, adminEmail) {
      if (!stored.startsWith('v1:')) return { secret: stored, legacy: true };
      return { secret: await box.open(stored, context(adminEmail)), legacy: false };
    },
  };
}
