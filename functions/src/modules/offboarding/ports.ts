import type { Offboarding } from '@app/shared';

/** The latest off-boarding of each address (a later one replaces it: the earlier was cancelled or incomplete). */
export interface OffboardingStore {
  get(address: string): Promise<Offboarding | undefined>;
  put(record: Offboarding): Promise<void>;
  /**
   * Stores a new off-boarding (status in_progress) unless one of the address is in progress (started after
   * `staleBefore`: one older than that died midway) or scheduled: one conditional write, so of two admins off-boarding
   * the same person at once exactly one goes ahead. False when it lost.
   */
  begin(record: Offboarding, staleBefore: string): Promise<boolean>;
  /**
   * The archive copies not yet settled (their app passwords held), one small item each, so the scheduled sweep and a
   * run's end can find them without scanning every off-boarding.
   */
  markArchiving(address: string, jobId: string): Promise<void>;
  unmarkArchiving(address: string): Promise<void>;
  listArchiving(): Promise<{ address: string; jobId: string }[]>;
}
