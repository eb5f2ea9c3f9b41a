import type { Offboarding } from '@app/shared';

/** The latest off-boarding of each address (a later one replaces it: the earlier was cancelled or incomplete). */
export interface OffboardingStore {
  get(address: string): Promise<Offboarding | undefined>;
  put(record: Offboarding): Promise<void>;
}
