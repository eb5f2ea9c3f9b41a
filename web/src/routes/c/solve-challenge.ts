import type { PublicChallenge } from '@app/shared';

/** Hashes in flight at once: enough to keep crypto.subtle busy, small enough to yield to the page often. */
const BATCH = 256;

function leadingZeroBits(bytes: Uint8Array): number {
  let bits = 0;
  for (const byte of bytes) {
    if (byte !== 0) return bits + Math.clz32(byte) - 24;
    bits += 8;
  }
  return bits;
}

/**
 * Solves the campaign form's browser check: the first nonce (0, 1, 2, …) whose SHA-256(prefix + nonce) starts
 * with `difficulty` zero bits. crypto.subtle hashes off the main thread, in batches with a macrotask between
 * them, so the page keeps painting and answering (no worker needed, nothing the CSP would have to allow).
 * About 2^difficulty hashes on average: 15 bits ≈ 0.3 s on a desktop, ≈ 1.3 s on a slow phone.
 *
 * @example const nonce = await solveChallenge(challenge); // then submit { pow: { id: challenge.id, nonce } }
 */
export async function solveChallenge(challenge: Pick<PublicChallenge, 'prefix' | 'difficulty'>): Promise<string> {
  const encoder = new TextEncoder();
  for (let start = 0; ; start += BATCH) {
    const hashes = await Promise.all(Array.from({ length: BATCH }, (_, i) => crypto.subtle.digest('SHA-256', encoder.encode(`${challenge.prefix}${start + i}`))));
    const found = hashes.findIndex((h) => leadingZeroBits(new Uint8Array(h)) >= challenge.difficulty);
    if (found >= 0) return String(start + found);
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}
