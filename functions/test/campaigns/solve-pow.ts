import { createHash } from 'node:crypto';

/**
 * Solves a browser check the way the page does (first nonce from 0 up whose SHA-256(prefix + nonce) has
 * `difficulty` leading zero bits), written apart from the server's verifier so the two check each other.
 */
export function solvePow(prefix: string, difficulty: number): string {
  for (let n = 0; ; n++) {
    const d = createHash('sha256').update(`${prefix}${n}`).digest();
    let bits = 0;
    for (const b of d) {
      if (b === 0) bits += 8;
      else {
        bits += b.toString(2).padStart(8, '0').indexOf('1');
        break;
      }
    }
    if (bits >= difficulty) return String(n);
  }
}

/** A nonce that does NOT solve a challenge of 8 bits or more: its hash's first byte is not zero. */
export function wrongNonce(prefix: string): string {
  for (let n = 0; ; n++) if (createHash('sha256').update(`${prefix}${n}`).digest()[0] !== 0) return String(n);
}
