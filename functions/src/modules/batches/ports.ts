import type { Batch, Job, Run } from '@app/shared';
import type { JobRecord, RunRecord } from '../migrations/ports.ts';

/** A batch as stored: one small item; its jobs are separate member items (1,000 jobs never share one item). */
export type BatchRecord = Batch & { version: number };

export interface BatchStore {
  /** Fails when the id exists. */
  create(batch: BatchRecord): Promise<void>;
  get(id: string): Promise<BatchRecord | undefined>;
  /** Newest first. */
  list(): Promise<BatchRecord[]>;
  /** The one conditional write `open → finished` of a round; false when another ender won (or a new round began). */
  finish(id: string, round: number, at: string, ended: { failedJobs: number; cancelledJobs: number }): Promise<boolean>;
  /** `finished → open` with the next round (conditional); returns the round now open. */
  reopen(id: string): Promise<number | undefined>;
  /** Member items (jobId → batchId), written 25 per BatchWrite call; idempotent. */
  addMembers(batchId: string, jobIds: readonly string[]): Promise<void>;
  /** The batch a job belongs to, if any (GetItem on the member item). */
  batchOfJob(jobId: string): Promise<string | undefined>;
  /** Job ids of a batch in the order they were added (gsi1 query BATCH#<id>). */
  memberIds(batchId: string): Promise<string[]>;
  removeMember(jobId: string): Promise<void>;
  /** Removes the batch item and whatever members remain. */
  delete(batchId: string): Promise<void>;
}

/** What a batch view needs of a job: everything but the sealed passwords (never read from the table here). */
export type JobSnapshot = Omit<Job, 'latestRun' | 'batchId'> & { latestRunId: string | null; activeRunId: string | null };

/** Bulk reads of jobs and runs by id (BatchGetItem, 100 keys per call), projected without secrets. */
export interface BatchJobReader {
  jobs(ids: readonly string[]): Promise<JobSnapshot[]>;
  /** Runs as the API shows them: the engine's fields (task, log tail, dispatch count) are not read. */
  runs(ids: readonly string[]): Promise<Run[]>;
}

/** Writes many new jobs and first runs at once (25 items per call): a batch's records, all with fresh ids. */
export interface BulkJobWriter {
  writeJobs(jobs: readonly JobRecord[]): Promise<void>;
  writeRuns(runs: readonly RunRecord[]): Promise<void>;
}
