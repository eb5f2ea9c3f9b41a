import type { Settings } from '@app/shared';

export interface SettingsStore {
  get(): Promise<Settings | undefined>;
  /** Writes when the stored version equals `expectedVersion` (0 = never saved); else ConflictError. */
  save(settings: Settings, expectedVersion: number): Promise<void>;
}
