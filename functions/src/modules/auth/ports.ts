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
  /** Wrong codes sent with this challenge. */
  attempts: number;
}

export interface MfaChallengeStore {
  put(challenge: MfaChallengeRecord): Promise<void>;
  get(id: string): Promise<MfaChallengeRecord | undefined>;
  /** Counts one wrong code and returns the new count. */
  addAttempt(id: string): Promise<number>;
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
  /** Consecutive failures (account buckets) or failures in the window (IP buckets). */
  failures: number;
  windowStartedAt: number;
  lockedUntil: number;
}

export interface ThrottleStore {
  get(key: string): Promise<ThrottleState | undefined>;
  /** Adds one failure atomically and returns the new state; starts a new window when the old one ended. */
  addFailure(key: string, now: number, windowMs: number): Promise<ThrottleState>;
  lockUntil(key: string, until: number): Promise<void>;
  clear(key: string): Promise<void>;
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
