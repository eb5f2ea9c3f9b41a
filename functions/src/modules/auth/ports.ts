import type { AdminRole, Settings } from '@app/shared';

export interface AdminRecord {
  email: string;
  name: string;
  role: AdminRole;
  passwordHash: string;
  createdAt: string;
  lastLoginAt: string | null;
  /** Active two-factor authentication; absent when off. */
  mfa?: AdminMfa;
  /** A TOTP secret waiting for its first code (enrolment started, not confirmed), sealed (MfaSecretBox). */
  mfaPending?: { secret: string; createdAt: string };
}

export interface AdminMfa {
  /** The base32 TOTP secret, sealed (MfaSecretBox; plaintext only in items from before sealing). Never logged, audited or returned. */
  secret: string;
  enabledAt: string;
  /** The last TOTP time step accepted: no code is accepted twice (RFC 6238 §5.2). */
  lastStep: number;
  /** Salt of the recovery code hashes (base64url). */
  recoverySalt: string;
  /** scrypt hashes of the unused recovery codes. */
  recoveryCodeHashes: string[];
}

export interface AdminStore {
  get(email: string): Promise<AdminRecord | undefined>;
  list(): Promise<AdminRecord[]>;
  /** Fails with ConflictError when the email is taken (one conditional write). */
  create(admin: AdminRecord): Promise<void>;
  /** Removes the admin; for an owner, only while another owner remains (never zero owners). */
  remove(email: string, role: AdminRole): Promise<void>;
  /** Changes the role if it is still `from` (else ConflictError); an owner stops being one only while another owner remains. */
  setRole(email: string, from: AdminRole, to: AdminRole): Promise<void>;
  setPasswordHash(email: string, passwordHash: string): Promise<void>;
  recordLogin(email: string, at: string): Promise<void>;
  countOwners(): Promise<number>;
  /** Keeps a new TOTP secret pending; ConflictError while 2FA is already on. */
  setPendingMfa(email: string, pending: { secret: string; createdAt: string }): Promise<void>;
  /** Turns 2FA on if `pendingSecret` is still the pending one and 2FA is off; false otherwise. */
  activateMfa(email: string, mfa: AdminMfa, pendingSecret: string): Promise<boolean>;
  /** Records `step` as used if it is later than the last one; false for a replay (one conditional write). */
  acceptTotpStep(email: string, step: number): Promise<boolean>;
  /** Removes one recovery code hash if still present; true for exactly one caller. */
  useRecoveryCode(email: string, hash: string): Promise<boolean>;
  /** Removes 2FA and any pending secret. */
  disableMfa(email: string): Promise<void>;
  /** Replaces the stored TOTP secret `from` by `to` (a legacy plaintext one by its sealed form); false if it changed meanwhile. */
  replaceMfaSecret(email: string, from: string, to: string): Promise<boolean>;
}

/** TOTP secrets at rest: sealed for one admin, opened only to check a code. */
export interface MfaSecretBox {
  seal(secret: string, adminEmail: string): Promise<string>;
  /** The base32 secret; `legacy` when the stored value is a plaintext one from before sealing. */
  open(stored: string, adminEmail: string): Promise<{ secret: string; legacy: boolean }>;
}

/** A password-verified login waiting for its second factor. Only the token's SHA-256 is stored. */
export interface MfaChallengeRecord {
  id: string;
  adminEmail: string;
  expiresAt: string;
  /** Codes checked (reserved) with this challenge. */
  attempts: number;
}

export interface MfaChallengeStore {
  put(challenge: MfaChallengeRecord): Promise<void>;
  get(id: string): Promise<MfaChallengeRecord | undefined>;
  /**
   * Reserves one code check on a live challenge (one conditional write, before the code is looked at): the
   * check's number (1…max), or undefined once `max` were reserved or the challenge expired or is gone.
   */
  reserveAttempt(id: string, now: Date, max: number): Promise<number | undefined>;
  /** Deletes the challenge if it has not expired; true for exactly one caller. */
  consume(id: string, now: Date): Promise<boolean>;
  delete(id: string): Promise<void>;
}

export interface SessionRecord {
  /** SHA-256 of the token, hex. The token itself is never stored. */
  id: string;
  adminEmail: string;
  ip: string;
  userAgent: string;
  createdAt: string;
  lastSeenAt: string;
  /** When the session dies at the latest (absolute timeout). */
  absoluteExpiresAt: string;
  /** When the admin last proved who they are with the password (and 2FA): setup, login, re-auth. */
  authAt: string;
}

/** What every authenticated request reads, in one round trip. Nothing of it is cached across requests. */
export interface RequestAuthContext {
  session?: SessionRecord;
  admin?: AdminRecord;
  /** The stored panel settings (absent until first saved): the 2FA-enrolment check needs them on every request. */
  settings?: Settings;
}

export interface SessionStore {
  create(session: SessionRecord): Promise<void>;
  get(id: string): Promise<SessionRecord | undefined>;
  /**
   * The session, the admin the cookie names and the panel settings, read together with strongly
   * consistent reads (one BatchGetItem): the one store round trip of an authenticated request.
   */
  getForRequest(id: string, adminEmail: string): Promise<RequestAuthContext>;
  touch(id: string, lastSeenAt: string, idleExpiresAt: Date): Promise<void>;
  delete(id: string): Promise<void>;
  list(): Promise<SessionRecord[]>;
  listForAdmin(email: string): Promise<SessionRecord[]>;
}

export interface ThrottleState {
  /** Attempts reserved in the window (windowed buckets), or consecutive failed ones (account buckets). */
  failures: number;
  windowStartedAt: number;
  lockedUntil: number;
}

/** A windowed bucket counted one attempt: the count it reached and the window it belongs to (to give it back). */
export type WindowReservation = { ok: true; count: number; windowStartedAt: number };
/** A consecutive bucket counted one attempt: the count it reached and what it was before (to restore it). */
export type ConsecutiveReservation = { ok: true; count: number; previous: { failures: number; lockedUntil: number } };
/** Not counted: the bucket is full or locked until `retryAt` (epoch ms). */
export type Refusal = { ok: false; retryAt: number };

/**
 * Counters for throttles and rate limits. An attempt is reserved (counted) with one conditional write BEFORE
 * anything is checked, so a burst of parallel requests cannot all pass a check made before any of them counted;
 * no counter is ever reset or overwritten without a condition on its current value.
 */
export interface ThrottleStore {
  get(key: string): Promise<ThrottleState | undefined>;
  /** Counts one more (no limit) and returns the new state; a window that ended starts anew, on that condition. */
  addFailure(key: string, now: number, windowMs: number): Promise<ThrottleState>;
  /** Counts one attempt if fewer than `limit` are counted in the current window (a window that ended starts anew). */
  reserve(key: string, now: number, windowMs: number, limit: number): Promise<WindowReservation | Refusal>;
  /** Gives one reservation back if its window is still the current one. */
  release(key: string, windowStartedAt: number): Promise<void>;
  /**
   * Consecutive attempts with a lock: refused while locked; otherwise counts one and sets the lock the attempt
   * leaves should it fail (`lockFor(count)`, 0 for none), with a write conditional on the count it read.
   */
  reserveConsecutive(key: string, now: number, lockFor: (count: number) => number): Promise<ConsecutiveReservation | Refusal>;
  /** Undoes one consecutive reservation if the count is still the one it reached; false if others counted since. */
  restoreConsecutive(key: string, count: number, previous: { failures: number; lockedUntil: number }): Promise<boolean>;
  /** Clears the bucket if its count is still `count` (a success ends the streak it reserved); false otherwise. */
  clearIf(key: string, count: number): Promise<boolean>;
}

export interface SetupTokenStore {
  /** Replaces any previous token: only the newest printed link works. */
  put(tokenHash: string, expiresAt: Date): Promise<void>;
  /** Deletes the token only if it matches and has not expired; true for exactly one caller. */
  consume(tokenHash: string, now: Date): Promise<boolean>;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, stored: string): Promise<boolean>;
  /** True when the stored hash uses weaker parameters than today's policy. */
  needsRehash(stored: string): boolean;
}

export interface SessionPolicy {
  idleMinutes: number;
  absoluteHours: number;
}

export interface ThrottlePolicy {
  accountFailuresBeforeBackoff: number;
  ipFailuresPerWindow: number;
  ipWindowMinutes: number;
}
