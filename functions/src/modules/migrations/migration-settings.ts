import type { MigrationSettings, UpdateMigrationSettingsInput } from '@app/shared';
import type { MigrationSettingsStore, SlotStore } from './ports.ts';

/** The concurrency limit: stored (the environment only seeds the default), read by every dispatch. */
export function makeMigrationSettings(deps: { store: MigrationSettingsStore; slots: SlotStore; defaultConcurrency: number }) {
  const concurrency = async () => (await deps.store.get())?.concurrency ?? deps.defaultConcurrency;
  return {
    concurrency,
    async get(): Promise<MigrationSettings> {
      const stored = await deps.store.get();
      return { concurrency: stored?.concurrency ?? deps.defaultConcurrency, version: stored?.version ?? 0, running: (await deps.slots.holders()).length };
    },
    /** Conditional on the version (ConflictError when stale). Lowering it stops new starts until enough runs end. */
    async update(input: UpdateMigrationSettingsInput): Promise<MigrationSettings> {
      await deps.store.save({ concurrency: input.concurrency, version: input.version + 1 }, input.version);
      return { concurrency: input.concurrency, version: input.version + 1, running: (await deps.slots.holders()).length };
    },
  };
}
export type MigrationSettingsModule = ReturnType<typeof makeMigrationSettings>;
