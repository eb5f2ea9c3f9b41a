import type { SealedSecret } from '../secrets/ports.ts';

/** One hand-over link as kept: found by its token's SHA-256; the password sealed and removed once opened. */
export interface HandoverRecord {
  tokenHash: string;
  address: string;
  /** Sealed under USER_HANDOVER_SECRET_PURPOSE bound to the token hash; null once the link was opened. */
  sealedPassword: SealedSecret | null;
  createdBy: string;
  createdAt: string;
  linkExpiresAt: string;
  openedAt: string | null;
}

export interface HandoverStore {
  /** Writes new links (each conditional on its hash being new). */
  createMany(records: readonly HandoverRecord[]): Promise<void>;
  get(tokenHash: string): Promise<HandoverRecord | undefined>;
  /**
   * The one conditional write that spends a link: openedAt set and the sealed password removed, only if it was not
   * opened yet and has not expired at `now`. False when another open won (or it expired meanwhile).
   */
  markOpened(tokenHash: string, now: string): Promise<boolean>;
}
