import type { DestCredential, JobOptions, MigrationSettings, Run, RunEvent, RunOutcome, RunState, ServerProfile, TestLoginResult, TlsMode } from '@app/shared';
import type { RunProgress, RunResult } from '@app/shared/schemas/imapsync';
import type { SealedSecret } from '../secrets/ports.ts';

/** One side of a job as stored: the password only ever as a sealed blob bound to (kind, job id). */
export interface JobEndpointRecord {
  serverId: string;
  user: string;
  sealedPassword: SealedSecret;
}

export interface JobRecord {
  id: string;
  name: string;
  source: JobEndpointRecord;
  dest: JobEndpointRecord;
  options: JobOptions;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  version: number;
  latestRunId: string | null;
  /** The run that holds the job (one run at a time); stale once that run is terminal. */
  activeRunId: string | null;
  /** Absent on jobs from before it was recorded: a typed password. */
  destCredential?: DestCredential;
}

/** A run as stored: the API's Run plus what only the engine needs. */
export interface RunRecord extends Run {
  /** ECS task ARN or local pid; never contains a secret. */
  taskRef: string | null;
  /** The last lines of output, refreshed with progress and at the end. */
  logTail: string[];
  dispatchAttempts: number;
  /** The destination-mailbox lease this run holds from dispatch to its end (see MailboxLeaseStore); absent before. */
  mailboxLease?: string | null;
}

/**
 * App passwords on the destination mailbox (modules/app-passwords), when a job is created without a destination
 * password: made for the job, deleted when it no longer needs them. Optional: runtimes without PurelyMail omit it.
 */
export interface DestAppPasswords {
  create(input: { mailbox: string; name: string; purpose: 'migration'; actor: string; jobId: string; campaignId?: string }): Promise<{ record: { id: string; name: string }; secret: string }>;
  /** Deletes the job's app passwords at PurelyMail; failures stay recorded for the regular sweep (never thrown). */
  releaseForJob(jobId: string, actor: string): Promise<{ deleted: number; failed: number }>;
  /** Still usable: known and not waiting for deletion. */
  exists(id: string): Promise<boolean>;
  /**
   * A campaign closed or a batch finished: deletes its jobs' app passwords at once, except those of a run in progress
   * (the sweep deletes them after it). Failures stay recorded for the sweep (never thrown).
   */
  releaseForOwner?(owner: { campaignId: string } | { jobIds: readonly string[] }, why: string, actor: string): Promise<{ deleted: number; failed: number; kept: number }>;
}

export const SEALED_KIND = { source: 'migration-job-source', dest: 'migration-job-dest' } as const;

export interface ServerStore {
  list(): Promise<ServerProfile[]>;
  get(id: string): Promise<ServerProfile | undefined>;
  create(server: ServerProfile): Promise<void>;
  /** Conditional on the stored version; ConflictError when stale. */
  update(server: ServerProfile, expectedVersion: number): Promise<void>;
  delete(id: string): Promise<void>;
}

export interface JobStore {
  list(): Promise<JobRecord[]>;
  get(id: string): Promise<JobRecord | undefined>;
  create(job: JobRecord): Promise<void>;
  /** Conditional on version and on the job still being held by `activeRunId` (or nobody); false when not. */
  replace(job: JobRecord, expected: { version: number; activeRunId: string | null }): Promise<boolean>;
  /** Points the job at a new run, if nobody holds it or the holder is `staleRunId`; false otherwise. */
  claim(jobId: string, runId: string, staleRunId: string | null): Promise<boolean>;
  /** Lets go of the job if `runId` still holds it (idempotent). */
  release(jobId: string, runId: string): Promise<void>;
  /** Deletes unless another run took the job meanwhile; false when refused. */
  delete(jobId: string, expectedActiveRunId: string | null): Promise<boolean>;
}

export type RunPatch = Partial<Pick<RunRecord, 'startedAt' | 'endedAt' | 'heartbeatAt' | 'progress' | 'outcome' | 'failureReason' | 'taskRef' | 'logTail' | 'dispatchAttempts' | 'cancelRequested' | 'waitingReason' | 'mailboxLease'>>;

export interface RunStore {
  get(id: string): Promise<RunRecord | undefined>;
  listForJob(jobId: string): Promise<RunRecord[]>;
  /** Fails (false) when the id exists: a deterministic id makes a retried create a no-op. */
  create(run: RunRecord): Promise<boolean>;
  /**
   * The one conditional write of a state change: `event` applies when the run is in a state it may leave and
   * moves it to the state it leads to (both from the run transitions table, @app/shared RUN_TRANSITIONS);
   * returns the new record, or undefined when the run was elsewhere.
   */
  transition(id: string, event: RunEvent, patch?: RunPatch): Promise<RunRecord | undefined>;
  /** Writes fields without changing the state, if the state is one of `inStates`; returns the new record. */
  patch(id: string, inStates: readonly RunState[], patch: RunPatch): Promise<RunRecord | undefined>;
  /** Sets retriedBy once (conditional on it being unset). */
  markRetried(id: string, retryRunId: string): Promise<boolean>;
  deleteForJob(jobId: string): Promise<void>;
}

export type SlotTake = 'taken' | 'held' | 'full';

/** The concurrency limiter: one item with a holder map and a count, each change one conditional write. */
export interface SlotStore {
  take(runId: string, limit: number, at: Date): Promise<SlotTake>;
  /** Idempotent: releasing a slot not held does nothing. */
  release(runId: string): Promise<void>;
  holders(): Promise<{ runId: string; takenAt: string }[]>;
}

/** Who holds a destination mailbox's lease, and until when (computed by us, never a DynamoDB TTL). */
export interface MailboxLease {
  key: string;
  holder: string;
  until: Date;
  /** How far each renewal pushes `until` (two heartbeats), set by the dispatcher that took it. */
  renewMs: number;
  /**
   * Its run has ended but its worker may still be stopping (the watchdog timed it out): the lease is kept until
   * `until` or until the task-stopped event releases it, even though the holder run is terminal.
   */
  draining?: boolean;
}

/**
 * One writer per destination mailbox: one item per mailbox, each change one conditional write.
 * A lease is free when absent, when its holder is the caller, or when `until` has passed.
 */
export interface MailboxLeaseStore {
  /** Takes (or re-takes) the lease until `at + holdMs`; renewals then extend it by `renewMs`. Returns the holder when busy. */
  acquire(key: string, runId: string, at: Date, holdMs: number, renewMs: number, mailbox: string): Promise<{ ok: true } | { ok: false; lease: MailboxLease }>;
  /** Extends `until` to `at + renewMs` if `runId` still holds it and it is not draining; false otherwise (the worker stops). */
  renew(key: string, runId: string, at: Date): Promise<boolean>;
  /** Idempotent: only deletes the lease while `runId` holds it. */
  release(key: string, runId: string): Promise<void>;
  /** Keeps the lease for `runId` (only while it holds it) until `until`, marked draining; false when it does not hold it. */
  holdUntil(key: string, runId: string, until: Date): Promise<boolean>;
  get(key: string): Promise<MailboxLease | undefined>;
}

export interface MigrationSettingsStore {
  get(): Promise<{ concurrency: number; version: number } | undefined>;
  save(value: { concurrency: number; version: number }, expectedVersion: number): Promise<void>;
}

/** The queue between the API and the dispatcher. Messages carry the run id only. */
export interface JobQueue {
  enqueue(runId: string, delaySeconds?: number): Promise<void>;
  /**
   * Offers a waiting run once, now (a slot was just freed). The message is marked as an offer: a dispatch that
   * cannot start it drops it instead of sending it back, because the run's own delayed re-offer is still pending,
   * so offers never multiply a run's messages. Queues without it (tests, refusing stubs) make no offers.
   */
  offer?(runId: string): Promise<void>;
}

/** A queued run the dispatcher turned away, and why: all slots busy, or its destination mailbox (lease key) busy. */
export interface WaitingRun {
  runId: string;
  /** The mailbox lease it waits for; null when it waits for a slot. */
  leaseKey: string | null;
}

/**
 * Queued runs waiting for a slot or a mailbox, oldest run first, so the end of a run can offer the next one at
 * once instead of leaving its slot idle until that run's delayed re-offer (up to the retry delay).
 */
export interface WaitingRunStore {
  /** Idempotent; the latest reason wins. */
  add(run: WaitingRun): Promise<void>;
  /** Idempotent. */
  remove(runId: string): Promise<void>;
  /** The oldest `limit` waiting runs (run ids are time-ordered). */
  oldest(limit: number): Promise<WaitingRun[]>;
}

/** Starts and stops one worker per run (ECS task, or a local child process). */
export interface TaskRunner {
  /** Idempotent per run id (ECS clientToken). Returns a reference to the task. */
  start(runId: string): Promise<{ taskRef: string }>;
  stop(taskRef: string, reason: string): Promise<void>;
  /** Workers alive now with the run each was started for (ECS ListTasks + DescribeTasks; the local child map). */
  listRunning(): Promise<{ runId: string; taskRef: string }[]>;
}

export interface ImapTarget {
  host: string;
  port: number;
  tls: TlsMode;
  verifyCert: boolean;
}

export interface ImapLoginTester {
  testLogin(target: ImapTarget & { user: string; password: string }): Promise<TestLoginResult>;
}

/** The private-address rule at save time: resolves and refuses private targets (DNS failure is allowed then). */
export interface ImapTargetGuard {
  /** `field`: which form field the refusal is about (the port, or by default the host). */
  check(host: string, port: number): Promise<{ ok: true } | { ok: false; message: string; field?: 'host' | 'port' }>;
}

/**
 * The full imapsync log of a run (a file locally, the task's CloudWatch Logs stream on AWS), as text chunks in
 * order, read lazily so a long log is never held in memory; undefined when there is none (never started, expired).
 */
export interface RunLogReader {
  read(run: Pick<RunRecord, 'id' | 'taskRef'>): Promise<AsyncIterable<string> | undefined>;
}

export type { MigrationSettings, RunOutcome, RunProgress };

/** One side of an imapsync run: the configured name (certificate check, SNI) and the checked address it connects to. */
export interface ImapsyncEndpoint extends ImapTarget {
  /** The address the private-address rule checked; imapsync connects here, never to a fresh DNS answer. */
  address: string;
  user: string;
}

/** One imapsync run as the worker asks for it; the runner owns the process, its passfiles and its directory. */
export interface ImapsyncRequest {
  source: ImapsyncEndpoint;
  dest: ImapsyncEndpoint;
  /** Written to 0600 passfiles for the run's life, never to argv, the environment or a log. */
  passwords: { source: string; dest: string };
  options: { dry?: boolean; includeFolders?: string[]; excludeFolders?: string[]; maxSizeBytes?: number };
  /** Every output line, in order. */
  onLine(line: string): void;
  /** Parsed progress, throttled by the runner. */
  onProgress(progress: RunProgress): void;
  /** Aborted: stop imapsync gracefully (abort file, then SIGTERM, then SIGKILL). */
  signal: AbortSignal;
}

/** What an imapsync run ended with: the parsed result and its last output lines. */
export type ImapsyncResult = RunResult & { logTail: string[] };

/** Runs imapsync once: implemented by the migrator container (migrator-container/src/imapsync/run-imapsync.ts). */
export interface ImapsyncRunner {
  /** Rejects only when imapsync could not be started at all (bad argument, missing executable). */
  run(request: ImapsyncRequest): Promise<ImapsyncResult>;
}

/** A run's full log as the worker writes it: a file locally, stdout (CloudWatch Logs) on AWS. */
export interface RunLogSink {
  line(text: string): void;
}
