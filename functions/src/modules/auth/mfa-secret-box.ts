import { MFA_SECRET_PURPOSE, type SecretContext, type SecretOpener, type SecretSealer } from '../secrets/ports.ts';
import type { MfaSecretBox } from './ports.ts';

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
