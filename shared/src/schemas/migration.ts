import * as z from 'zod';
import { lazySchema } from '../lazy-schema.ts';
import { RUN_STATES } from '../run-transitions.ts';
import { DestCredential } from './app-password.ts';
import { ExitClass, RunProgress, RunStats } from './imapsync.ts';

/**
 * Migration contracts: IMAP server profiles, jobs (source → destination with sealed passwords), runs (one
 * imapsync execution each) and the concurrency setting. Passwords only ever travel browser → API; no
 * response schema here has a field that could carry one.
 */

// CR, LF and NUL would break an IMAP command line or the imapsync argv/passfile; a leading '-' could be
// read as an option. The worker re-checks before spawning.
const NO_CONTROL = /^[^\r\n\0]*$/;
const noDash = (v: string) => !v.startsWith('-');

export const TlsMode = lazySchema(() => z.enum(['ssl', 'starttls', 'none']));
export type TlsMode = z.infer<typeof TlsMode>;

export const ImapHost = lazySchema(() =>
  z
    .string()
    .trim()
    .min(1, 'is required')
    .max(253)
    .regex(/^[A-Za-z0-9.:[\]_-]+$/, 'must be a host name or an IP address')
    .refine(noDash, "must not start with '-'"),
);
export const ImapPort = lazySchema(() => z.number().int().min(1).max(65535));
export const ImapUser = lazySchema(() => z.string().min(1, 'is required').max(320).regex(NO_CONTROL, 'must not contain line breaks').refine(noDash, "must not start with '-'"));
export const ImapPassword = lazySchema(() => z.string().min(1, 'is required').max(1024).regex(NO_CONTROL, 'must not contain line breaks'));

/** A saved IMAP server. */
export const ServerProfile = lazySchema(() =>
  z.object({
    id: z.string(),
    name: z.string(),
    host: z.string(),
    port: z.number().int(),
    tls: TlsMode,
    verifyCert: z.boolean(),
    notes: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    version: z.number().int(),
  }),
);
export type ServerProfile = z.infer<typeof ServerProfile>;

const ServerName = lazySchema(() => z.string().trim().min(1, 'is required').max(100));
const VerifyCert = lazySchema(() => z.boolean().default(true));
const ServerNotes = lazySchema(() => z.string().max(2000).default(''));
const ServerFields = { name: ServerName, host: ImapHost, port: ImapPort, tls: TlsMode, verifyCert: VerifyCert, notes: ServerNotes };
export const CreateServerInput = lazySchema(() => z.strictObject(ServerFields));
export type CreateServerInput = z.infer<typeof CreateServerInput>;

export const UpdateServerInput = lazySchema(() =>
  z.strictObject({
    name: ServerName.optional(),
    host: ImapHost.optional(),
    port: ImapPort.optional(),
    tls: TlsMode.optional(),
    verifyCert: z.boolean().optional(),
    notes: z.string().max(2000).optional(),
    version: z.number().int(),
  }),
);
export type UpdateServerInput = z.infer<typeof UpdateServerInput>;

/** Offered in the "new server" form. */
export const SERVER_PRESETS = [{ name: 'PurelyMail', host: 'imap.purelymail.com', port: 993, tls: 'ssl', verifyCert: true }] as const satisfies readonly Omit<CreateServerInput, 'notes'>[];

export const ServerList = lazySchema(() => z.object({ servers: z.array(ServerProfile), presets: z.array(CreateServerInput.omit({ notes: true })) }));
export type ServerList = z.infer<typeof ServerList>;

/** "Test login" with a saved server: the credentials are used once and discarded. */
export const TestLoginInput = lazySchema(() => z.strictObject({ user: ImapUser, password: ImapPassword }));
export type TestLoginInput = z.infer<typeof TestLoginInput>;

/** "Test login" before saving: the server is described inline. */
export const TestLoginAdHocInput = lazySchema(() =>
  z.strictObject({
    host: ImapHost,
    port: ImapPort,
    tls: TlsMode,
    verifyCert: z.boolean().default(true),
    user: ImapUser,
    password: ImapPassword,
  }),
);
export type TestLoginAdHocInput = z.infer<typeof TestLoginAdHocInput>;

/** Why a test login failed, in words a person can act on. `blocked` = refused by the private-address rule. */
export const LoginFailureReason = lazySchema(() => z.enum(['dns', 'refused', 'timeout', 'tls', 'auth', 'blocked', 'protocol']));
export type LoginFailureReason = z.infer<typeof LoginFailureReason>;

export const TestLoginResult = lazySchema(() =>
  z.discriminatedUnion('ok', [
    z.object({
      ok: z.literal(true),
      message: z.string(),
      /** From the start of the test to the accepted LOGIN (DNS, connect, TLS, authentication). */
      latencyMs: z.number().int().nonnegative().optional(),
      /** What the server says it can do once logged in, e.g. IDLE, MOVE, QUOTA. */
      capabilities: z.array(z.string()).optional(),
      /** The mailbox's folders that can be copied, readable names (`Проекты`, not `&BB8EQAQ+BDUEOgRCBEs-`); absent when LIST failed. */
      folders: z.array(z.string()).optional(),
    }),
    z.object({ ok: z.literal(false), reason: LoginFailureReason, message: z.string() }),
  ]),
);
export type TestLoginResult = z.infer<typeof TestLoginResult>;

/** The states of a run; which changes between them are legal is in ../run-transitions.ts. */
export const RunState = lazySchema(() => z.enum(RUN_STATES));
export type RunState = z.infer<typeof RunState>;

/** A dry run copies nothing (imapsync --dry); a full run copies; a later full run is a delta pass. */
export const RunKind = lazySchema(() => z.enum(['dry', 'full']));
export type RunKind = z.infer<typeof RunKind>;

export const JobOptions = lazySchema(() =>
  z.strictObject({
    /** Exact folder names; all folders when empty. */
    includeFolders: z.array(z.string().min(1).max(500).regex(NO_CONTROL).refine(noDash, "must not start with '-'")).max(200).default([]),
    excludeFolders: z.array(z.string().min(1).max(500).regex(NO_CONTROL).refine(noDash, "must not start with '-'")).max(200).default([]),
    /** Skip messages larger than this many bytes. */
    maxSizeBytes: z.number().int().min(1).max(10 * 1024 ** 3).nullable().default(null),
  }),
);
export type JobOptions = z.infer<typeof JobOptions>;

export const JobEndpoint = lazySchema(() => z.object({ serverId: z.string(), user: z.string(), hasPassword: z.literal(true) }));
export type JobEndpoint = z.infer<typeof JobEndpoint>;

/** What is known about a run's end. */
export const RunOutcome = lazySchema(() =>
  z.object({
    exitClass: ExitClass,
    exitCode: z.number().int().nullable(),
    signal: z.string().nullable(),
    verdictOk: z.boolean(),
    stats: RunStats.nullable(),
    errors: z.array(z.string()),
    mostFrequentError: z.string().nullable(),
  }),
);
export type RunOutcome = z.infer<typeof RunOutcome>;

export const Run = lazySchema(() =>
  z.object({
    id: z.string(),
    jobId: z.string(),
    kind: RunKind,
    state: RunState,
    /** 1 for a first run; a retry of run n has attempt n + 1. */
    attempt: z.number().int(),
    retryOf: z.string().nullable(),
    /** Automatic retry already queued for this run (interruptions only). */
    retriedBy: z.string().nullable(),
    cancelRequested: z.boolean(),
    createdAt: z.string(),
    createdBy: z.string(),
    startedAt: z.string().nullable(),
    endedAt: z.string().nullable(),
    heartbeatAt: z.string().nullable(),
    progress: RunProgress.nullable(),
    outcome: RunOutcome.nullable(),
    /** A plain sentence when the run failed for a reason outside imapsync (credentials, worker lost, …). */
    failureReason: z.string().nullable(),
    /** Why a queued run has not started yet (e.g. another migration into the same mailbox is running); null otherwise. */
    waitingReason: z.string().nullable().optional(),
    /** The destination credential this run was queued with; absent on runs from before it was recorded. */
    destCredential: DestCredential.nullable().optional(),
    version: z.number().int(),
  }),
);
export type Run = z.infer<typeof Run>;

export const Job = lazySchema(() =>
  z.object({
    id: z.string(),
    name: z.string(),
    source: JobEndpoint,
    dest: JobEndpoint,
    options: JobOptions,
    createdAt: z.string(),
    createdBy: z.string(),
    updatedAt: z.string(),
    version: z.number().int(),
    /** The newest run (with its progress) or null before the first start. */
    latestRun: Run.nullable(),
    /** The batch (CSV import or campaign) the job was created in; absent for a single job. */
    batchId: z.string().optional(),
    /** Typed destination password, or an app password the panel created on the destination mailbox. */
    destCredential: DestCredential,
  }),
);
export type Job = z.infer<typeof Job>;

export const JobList = lazySchema(() => z.object({ jobs: z.array(Job) }));
export type JobList = z.infer<typeof JobList>;

export const JobDetail = lazySchema(() => z.object({ job: Job, runs: z.array(Run) }));
export type JobDetail = z.infer<typeof JobDetail>;

const EndpointInput = lazySchema(() => z.strictObject({ serverId: z.string().min(1).max(64), user: ImapUser, password: ImapPassword }));
/**
 * The destination password may be left out when the destination is a mailbox of this PurelyMail account: the
 * panel then creates an app password on it for the job (and deletes it when the job no longer needs it).
 */
const DestEndpointInput = lazySchema(() => z.strictObject({ serverId: z.string().min(1).max(64), user: ImapUser, password: ImapPassword.optional() }));
export const CreateJobInput = lazySchema(() =>
  z.strictObject({
    name: z.string().trim().min(1, 'is required').max(200),
    source: EndpointInput,
    dest: DestEndpointInput,
    options: JobOptions.default({ includeFolders: [], excludeFolders: [], maxSizeBytes: null }),
    /** Queue a first run right away. */
    start: z.enum(['none', 'dry', 'full']).default('none'),
  }),
);
export type CreateJobInput = z.infer<typeof CreateJobInput>;

export const UpdateJobCredentialsInput = lazySchema(() =>
  z
    .strictObject({
      source: z.strictObject({ user: ImapUser.optional(), password: ImapPassword.optional() }).optional(),
      dest: z.strictObject({ user: ImapUser.optional(), password: ImapPassword.optional() }).optional(),
      version: z.number().int(),
    })
    .refine((v) => v.source !== undefined || v.dest !== undefined, { message: 'give source and/or dest credentials' }),
);
export type UpdateJobCredentialsInput = z.infer<typeof UpdateJobCredentialsInput>;

export const StartRunInput = lazySchema(() => z.strictObject({ kind: RunKind }));
export type StartRunInput = z.infer<typeof StartRunInput>;

export const RunLog = lazySchema(() => z.object({ runId: z.string(), state: RunState, lines: z.array(z.string()) }));
export type RunLog = z.infer<typeof RunLog>;

export const MigrationSettings = lazySchema(() =>
  z.object({
    /** How many runs may be running at once. */
    concurrency: z.number().int(),
    version: z.number().int(),
    /** Slots in use right now. */
    running: z.number().int(),
  }),
);
export type MigrationSettings = z.infer<typeof MigrationSettings>;

export const UpdateMigrationSettingsInput = lazySchema(() =>
  z.strictObject({
    concurrency: z.number().int().min(1, 'must be at least 1').max(50, 'must be at most 50'),
    version: z.number().int(),
  }),
);
export type UpdateMigrationSettingsInput = z.infer<typeof UpdateMigrationSettingsInput>;
