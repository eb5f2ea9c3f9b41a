import * as z from 'zod';
import { lazySchema } from '../lazy-schema.ts';
import { ImapPassword, ImapUser } from './migration.ts';

/**
 * Credential-gathering campaigns: an admin shares a link (`/c/#t=<token>`); people submit the password of
 * their old mailbox, verified by a real IMAP login, sealed on arrival; the admin maps and launches jobs.
 * No response schema here has a field that could carry a password or the token's hash.
 */

/** How the destination address of a submission is chosen. */
export const DestMode = lazySchema(() => z.enum(['same', 'typed', 'admin']));
export type DestMode = z.infer<typeof DestMode>;

export const CAMPAIGN_EXPIRY_DAYS = [3, 7, 14, 30] as const;
export const CampaignExpiryDays = lazySchema(() => z.union([z.literal(3), z.literal(7), z.literal(14), z.literal(30)]));

/** `closed`: expired or deactivated; `purged`: closed and its credentials deleted. */
export const CampaignStatus = lazySchema(() => z.enum(['active', 'closed', 'purged']));
export type CampaignStatus = z.infer<typeof CampaignStatus>;

export const Campaign = lazySchema(() =>
  z.object({
    id: z.string(),
    name: z.string(),
    /** Shown on the public page: who is asking (e.g. "The IT team at Example Co"). */
    requester: z.string(),
    message: z.string(),
    sourceServerId: z.string(),
    destServerId: z.string(),
    /** The destination is PurelyMail: missing mailboxes are created at launch. */
    destPurelyMail: z.boolean(),
    destMode: DestMode,
    /** Domain used for "same address" and "typed" when the user gives a bare name; may be empty. */
    destDomain: z.string(),
    createdAt: z.string(),
    createdBy: z.string(),
    expiresAt: z.string(),
    deactivatedAt: z.string().nullable(),
    /** When the link stopped working: min(expiresAt, deactivatedAt) once past, else null. */
    endedAt: z.string().nullable(),
    purgeAfterDays: z.number().int(),
    purgedAt: z.string().nullable(),
    status: CampaignStatus,
    submissionCount: z.number().int(),
    version: z.number().int(),
  }),
);
export type Campaign = z.infer<typeof Campaign>;

export const CampaignList = lazySchema(() => z.object({ campaigns: z.array(Campaign) }));
export type CampaignList = z.infer<typeof CampaignList>;

const Email = lazySchema(() =>
  z
    .string()
    .trim()
    .max(320, 'is too long')
    .transform((s) => s.toLowerCase())
    .pipe(z.string().regex(/^[^\s@]{1,64}@[^\s@]{1,253}$/, 'is not an email address like alice@example.com')),
);

export const CreateCampaignInput = lazySchema(() =>
  z.strictObject({
    name: z.string().trim().min(1, 'is required').max(120),
    requester: z.string().trim().min(1, 'is required').max(200),
    message: z.string().trim().max(1000).default(''),
    sourceServerId: z.string().min(1, 'is required').max(64),
    destServerId: z.string().min(1, 'is required').max(64),
    destPurelyMail: z.boolean().default(true),
    destMode: DestMode.default('same'),
    destDomain: z
      .string()
      .trim()
      .max(253)
      .transform((s) => s.toLowerCase())
      .refine((s) => s === '' || /^([a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9-]{2,}$/.test(s), 'is not a domain name')
      .default(''),
    expiryDays: CampaignExpiryDays.default(7),
    purgeAfterDays: z.number().int().min(0).max(90).default(7),
  }),
);
export type CreateCampaignInput = z.input<typeof CreateCampaignInput>;

/** The link is only ever shown here (at creation or when a new link is made): the token is kept hashed. */
export const CampaignLink = lazySchema(() => z.object({ campaign: Campaign, link: z.string() }));
export type CampaignLink = z.infer<typeof CampaignLink>;

export const VerificationResult = lazySchema(() => z.object({ ok: z.boolean(), message: z.string(), at: z.string() }));
export type VerificationResult = z.infer<typeof VerificationResult>;

export const Submission = lazySchema(() =>
  z.object({
    id: z.string(),
    campaignId: z.string(),
    name: z.string(),
    sourceEmail: z.string(),
    /** What the person typed (destMode `typed`), or null. */
    typedDest: z.string().nullable(),
    /** The address the job will write to, as mapped (by default from the destination mode). */
    destEmail: z.string().nullable(),
    hasDestPassword: z.boolean(),
    verification: VerificationResult,
    /** `public` from the link, `admin` added by hand. */
    via: z.enum(['public', 'admin']),
    submittedAt: z.string(),
    updatedAt: z.string(),
    /** Set once a job was created for it. */
    jobId: z.string().nullable(),
    launchedAt: z.string().nullable(),
    /** Sealed credentials deleted (campaign purged). */
    purged: z.boolean(),
    version: z.number().int(),
  }),
);
export type Submission = z.infer<typeof Submission>;

/** A submission as the review table shows it: plus whether the destination mailbox exists on PurelyMail. */
export const SubmissionRow = lazySchema(() => Submission.extend({ willBeCreated: z.boolean() }));
export type SubmissionRow = z.infer<typeof SubmissionRow>;

/**
 * What the public link has been through, for the admin: wrong passwords (each a real IMAP login the server
 * refused), browser checks asked for, and solutions refused (missing pieces, wrong, expired, reused or from
 * another link). `challengeRequired`: the link currently asks every submission for a browser check.
 */
export const CampaignAttempts = lazySchema(() =>
  z.object({
    failedPasswords: z.number().int(),
    challengesAsked: z.number().int(),
    challengesRefused: z.number().int(),
    challengeRequired: z.boolean(),
  }),
);
export type CampaignAttempts = z.infer<typeof CampaignAttempts>;

export const CampaignDetail = lazySchema(() =>
  z.object({
    campaign: Campaign,
    submissions: z.array(SubmissionRow),
    /** PurelyMail addresses (from the cache) for the mapping autocomplete; empty when not a PurelyMail destination. */
    knownAddresses: z.array(z.string()),
    /** Batches created by launches, oldest first (each opens at /migrations/batches/<id>). */
    batchIds: z.array(z.string()),
    attempts: CampaignAttempts,
  }),
);
export type CampaignDetail = z.infer<typeof CampaignDetail>;

export const MapSubmissionInput = lazySchema(() =>
  z.strictObject({
    destEmail: Email,
    /** For an existing destination mailbox whose password the person did not give. */
    destPassword: ImapPassword.optional(),
    version: z.number().int(),
  }),
);
export type MapSubmissionInput = z.infer<typeof MapSubmissionInput>;

export const AddSubmissionInput = lazySchema(() =>
  z.strictObject({
    name: z.string().trim().min(1, 'is required').max(120),
    sourceEmail: Email.pipe(ImapUser),
    sourcePassword: ImapPassword,
    destEmail: Email.optional(),
    destPassword: ImapPassword.optional(),
  }),
);
export type AddSubmissionInput = z.input<typeof AddSubmissionInput>;

export const LaunchCampaignInput = lazySchema(() =>
  z.strictObject({
    start: z.enum(['none', 'dry', 'full']).default('full'),
    /** Submission ids; all not yet launched when absent. */
    submissionIds: z.array(z.string().min(1).max(80)).max(2000).optional(),
  }),
);
export type LaunchCampaignInput = z.input<typeof LaunchCampaignInput>;

/** What "Create jobs" did. Generated passwords appear here once and are never stored in clear. */
export const LaunchResult = lazySchema(() =>
  z.object({
    batchId: z.string().nullable(),
    jobIds: z.array(z.string()),
    createdMailboxes: z.array(z.object({ address: z.string(), password: z.string() })),
    skipped: z.array(z.object({ submissionId: z.string(), sourceEmail: z.string(), reason: z.string() })),
  }),
);
export type LaunchResult = z.infer<typeof LaunchResult>;

// ---- public (no login) ----

/** 32 random bytes, base64url (43 characters). The shape is checked by the API, which answers a malformed
 * token exactly like an unknown one (same 404 body, same store lookup). */
export const CampaignToken = lazySchema(() => z.string().max(200));

export const PublicInfoInput = lazySchema(() => z.strictObject({ token: CampaignToken }));
export type PublicInfoInput = z.infer<typeof PublicInfoInput>;

export const PublicCampaignInfo = lazySchema(() =>
  z.object({
    name: z.string(),
    requester: z.string(),
    message: z.string(),
    destMode: DestMode,
    destDomain: z.string(),
    /** The server people sign in to, e.g. imap.gmail.com (so they know which password is meant). */
    sourceHost: z.string(),
    hints: z.array(z.string()),
    expiresAt: z.string(),
  }),
);
export type PublicCampaignInfo = z.infer<typeof PublicCampaignInfo>;

/**
 * The browser check (proof of work) a link asks for after repeated wrong passwords: find a `nonce` (decimal
 * digits) such that SHA-256(UTF-8 of `prefix + nonce`) starts with `difficulty` zero bits. Single use, for
 * one link, valid until `expiresAt` (60 s).
 */
export const PublicChallenge = lazySchema(() =>
  z.object({
    id: z.string(),
    prefix: z.string(),
    difficulty: z.number().int().min(1).max(32),
    expiresAt: z.string(),
  }),
);
export type PublicChallenge = z.infer<typeof PublicChallenge>;

export const PublicChallengeInput = lazySchema(() => z.strictObject({ token: CampaignToken }));
export type PublicChallengeInput = z.infer<typeof PublicChallengeInput>;

export const ProofOfWork = lazySchema(() =>
  z.strictObject({
    id: z.string().max(80),
    nonce: z.string().regex(/^[0-9]{1,16}$/, 'is not a number'),
  }),
);
export type ProofOfWork = z.infer<typeof ProofOfWork>;

export const PublicSubmitInput = lazySchema(() =>
  z.strictObject({
    token: CampaignToken,
    name: z.string().trim().min(1, 'is required').max(120),
    sourceEmail: Email.pipe(ImapUser),
    sourcePassword: ImapPassword,
    destEmail: z.preprocess((v) => (v === '' ? undefined : v), Email.optional()),
    destPassword: z.preprocess((v) => (v === '' ? undefined : v), ImapPassword.optional()),
    /** Replace an earlier submission of the same address (the person confirmed it). */
    replace: z.boolean().default(false),
    /** Honeypot: a hidden field people never fill. */
    website: z.string().max(500).optional(),
    /** A solved browser check, required after repeated wrong passwords on the link (answer `challenge_required`). */
    pow: ProofOfWork.optional(),
  }),
);
export type PublicSubmitInput = z.input<typeof PublicSubmitInput>;

export const PublicSubmitResult = lazySchema(() =>
  z.object({
    status: z.enum(['accepted', 'replaced']),
    sourceEmail: z.string(),
    submittedAt: z.string(),
  }),
);
export type PublicSubmitResult = z.infer<typeof PublicSubmitResult>;
