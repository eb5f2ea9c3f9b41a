import { once } from '../../platform/once.ts';
import type { SecretOpener, SecretSealer } from '../../modules/secrets/ports.ts';

/*
 * The KMS adapters with their SDK imported on first use (kms-secret-box.ts and friends import it statically):
 * the api seals a password or checks a 2FA code in few requests, so a cold start neither reads nor evaluates the
 * KMS client. A failed import or client build is retried by the next call (see once.ts).
 */

/** Seal-only (GenerateDataKey): migration credentials and campaign submissions. */
export function kmsSealerOnFirstUse(keyId: string): SecretSealer {
  const load = once(async () => (await import('./kms-secret-sealer.ts')).createDefaultKmsSecretSealer(keyId));
  return { seal: async (plaintext, context) => (await load()).seal(plaintext, context) };
}

/** Seal and open under one client: admins' TOTP secrets (the api may Decrypt their purpose only). */
export function kmsBoxOnFirstUse(keyId: string): SecretSealer & SecretOpener {
  const load = once(async () => (await import('./kms-secret-box.ts')).createDefaultKmsSecretBox(keyId));
  return { seal: async (p, c) => (await load()).seal(p, c), open: async (s, c) => (await load()).open(s, c) };
}

/**
 * Open-only (Decrypt), for the worker task: its import starts now, not at the first open, so it overlaps the
 * worker's first store reads (every run opens two passwords right after them).
 */
export function kmsOpenerStartingNow(keyId: string): SecretOpener {
  const load = once(async () => {
    const [{ KMSClient }, { createKmsSecretOpener }] = await Promise.all([import('./kms-sdk.ts'), import('./kms-secret-opener.ts')]);
    return createKmsSecretOpener(new KMSClient({}), keyId);
  });
  void load().catch(() => undefined);
  return { open: async (sealed, context) => (await load()).open(sealed, context) };
}
