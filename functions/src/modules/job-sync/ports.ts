import type { JobSyncSchedule } from '@app/shared';

/** A job's sync schedule: one small item beside the job, written with a condition on `version`. */
export interface JobSyncStore {
  get(jobId: string): Promise<JobSyncSchedule | undefined>;
  /** Active ones (the local runtime re-arms them at start). */
  listActive(): Promise<JobSyncSchedule[]>;
  /** False when one exists already (another request won). */
  create(s: JobSyncSchedule): Promise<boolean>;
  /** Writes `next` when the stored version is still `expectedVersion`; false otherwise. */
  replace(next: JobSyncSchedule, expectedVersion: number): Promise<boolean>;
  remove(jobId: string): Promise<void>;
}
