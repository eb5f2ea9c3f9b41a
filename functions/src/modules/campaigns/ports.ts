import type { DestCredential } from '@app/shared';
import type { DestMode, JobOptions, Submission, VerificationResult } from '@app/shared';
import type { SealedSecret } from '../secrets/ports.ts';

/**
 * A campaign as stored. The token exists only as its SHA-256 (`tokenHash`, also the key of a small lookup
 * item); the link is shown once when made.
 */
export interface CampaignRecord {
  id: string;
  name: string;
  requester: string;
  message: string;
  sourceServerId: string;
  destServerId: string;
  destPurelyMail: boolean;
  destMode: DestMode;
  destDomain: string;
  tokenHash: string;
  createdAt: string;
  createdBy: string;
  expiresAt: string;
  deactivatedAt: string | null;
  purgeAfterDays: number;
  purgedAt: string | null;
  submissionCount: number;
  batchIds: string[];
  version: number;
}

/**
 * A submission as stored: one per source address per campaign (the id is derived from the address).
 * Passwords only as sealed blobs bound to the job they will become: `{kind: migration-job-source|dest,
 * id: jobId}`, so the job created at launch carries them unchanged and the API never needs to open them.
 */
export interface SubmissionRecord extends Omit<Submission, 'hasDestPassword' | 'purged' | 'jobId' | 'launchedAt'> {
  /** Reserved at first submission; the id of the job created at launch (and the seal context). */
  reservedJobId: string;
  sealedSourcePassword: SealedSecret | null;
  sealedDestPassword: SealedSecret | null;
  launchedAt: string | null;
}

export interface CampaignStore {
  list(): Promise<CampaignRecord[]>;
  get(id: string): Promise<CampaignRecord | undefined>;
  /** Writes the campaign and its token lookup item (TTL at the end of the purge window). */
  create(campaign: CampaignRecord): Promise<void>;
  /** The campaign id for a token hash, or undefined. */
  findByTokenHash(tokenHash: string): Promise<string | undefined>;
  /** Conditional on the version; false when stale. Writes a new token lookup item if the hash changed. */
  replace(campaign: CampaignRecord, expectedVersion: number, oldTokenHash?: string): Promise<boolean>;
  /** One atomic ADD on the campaign's submission count (a secondary write, no version check). */
  countSubmission(id: string, delta: number): Promise<void>;
  /** Campaigns that ended and are not purged (Query on an index keyed by purge due time ≤ now). */
  listPurgeDue(now: Date): Promise<CampaignRecord[]>;
  /** One atomic ADD on the link's attempt counters (kept apart from the versioned campaign item). */
  countAttempt(id: string, kind: AttemptKind): Promise<void>;
  /** The link's attempt counters since the campaign was created (zeros when none). */
  attempts(id: string): Promise<Record<AttemptKind, number>>;
}

/** What the admin sees of the public form's abuse defences: wrong passwords, browser checks asked and refused. */
export type AttemptKind = 'failedPasswords' | 'challengesAsked' | 'challengesRefused';

/**
 * A proof-of-work challenge for one link: find a nonce with SHA-256(prefix + nonce) starting with
 * `difficulty` zero bits, before `expiresAt`. Single use.
 */
export interface ChallengeRecord {
  id: string;
  campaignId: string;
  prefix: string;
  difficulty: number;
  expiresAt: string;
}

export interface ChallengeStore {
  create(c: ChallengeRecord): Promise<void>;
  /**
   * Takes the challenge out, in one conditional write (a delete that returns what it removed): a second
   * call for the same id gets undefined, so a solution counts once. Expiry is the caller's to check.
   */
  take(id: string): Promise<ChallengeRecord | undefined>;
}

export interface SubmissionStore {
  list(campaignId: string): Promise<SubmissionRecord[]>;
  get(campaignId: string, id: string): Promise<SubmissionRecord | undefined>;
  /** Fails (false) when it exists. */
  create(s: SubmissionRecord): Promise<boolean>;
  /** Conditional on the version; false when stale. */
  replace(s: SubmissionRecord, expectedVersion: number): Promise<boolean>;
  delete(campaignId: string, id: string, expectedVersion: number): Promise<boolean>;
  /** Removes both sealed passwords (idempotent). */
  purge(campaignId: string, id: string): Promise<void>;
}

/** Counters for the public form; each `hit` or `reserve` is one atomic, conditional update. */
export interface RateCounter {
  /** Counts one and returns the count in the window. */
  hit(key: string, now: number, windowMs: number): Promise<number>;
  count(key: string, now: number, windowMs: number): Promise<number>;
  /** Counts one if fewer than `limit` are counted in the window: the count reached, or when to retry. */
  reserve(key: string, now: number, windowMs: number, limit: number): Promise<{ ok: true; count: number; windowStartedAt: number } | { ok: false; retryAt: number }>;
  /** Gives one reservation back while its window lasts. */
  release(key: string, windowStartedAt: number): Promise<void>;
}

export interface CampaignLimits {
  /** Failed IMAP verifications per submitted address per hour before refusing without contacting the server. */
  failuresPerAddressPerHour: number;
  /** Submissions per client IP per 15 minutes. */
  perIpPer15Min: number;
  /** Submissions per token per hour. */
  perTokenPerHour: number;
  /** Wrong passwords on one link within an hour after which every submission needs a solved browser check. */
  challengeAfterLinkFailures: number;
  /** Leading zero bits the browser check asks for (15: about 1 s on a phone, see step-up.ts). */
  challengeDifficulty: number;
}

export const DEFAULT_CAMPAIGN_LIMITS: CampaignLimits = { failuresPerAddressPerHour: 5, perIpPer15Min: 30, perTokenPerHour: 200, challengeAfterLinkFailures: 3, challengeDifficulty: 15 };

export interface CredentialVerifier {
  /** One real IMAP LOGIN against a saved server; the password is not kept. */
  verify(serverId: string, user: string, password: string): Promise<{ ok: true } | { ok: false; reason: string; message: string }>;
}

export interface MailboxDirectory {
  /** Addresses on PurelyMail (from the cache), lower-case. Past PurelyMail's 1,000-user cap, not all of them. */
  addresses(): Promise<string[]>;
  /**
   * Which of these lower-case addresses are mailboxes on PurelyMail: the cached list, and while that list is
   * capped at 1,000, getUser for each one it does not show (absence from a capped list proves nothing).
   */
  existing(candidates: readonly string[]): Promise<Set<string>>;
  /** Creates a mailbox (PurelyMail) with this password and writes it through to the cache. */
  create(address: string, password: string): Promise<void>;
}

type SealedEndpoint = { serverId: string; user: string; sealedPassword: SealedSecret };

/**
 * Creating a batch of jobs from submissions. The batch module's own `create` takes plaintext and seals;
 * campaigns hold passwords already sealed under the job id (`jobId`), so their rows carry the blobs as they
 * are and the job is written with that id: nothing is opened or re-sealed on the way.
 */
export interface BatchCreator {
  create(input: {
    name: string;
    origin: 'campaign';
    campaignId: string;
    createdBy: string;
    rows: { jobId: string; source: SealedEndpoint; dest: SealedEndpoint; options?: JobOptions; destCredential?: DestCredential }[];
    start: 'none' | 'dry' | 'full';
  }): Promise<{ batch: { id: string }; jobs: { id: string }[] }>;
}

export type { VerificationResult };
