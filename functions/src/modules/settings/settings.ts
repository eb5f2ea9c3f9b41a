import type { Settings, UpdateSettingsInput } from '@app/shared';
import { compareDecimal } from '@app/shared/money';
import { ValidationError } from '../errors.ts';
import type { SettingsStore } from './ports.ts';

export const DEFAULT_SETTINGS: Settings = { creditAmber: '5', creditRed: '2', deletionDelayHours: 24, version: 0 };

/** Panel-wide settings with optimistic locking, so two admins never silently overwrite each other. */
export function makeSettings(deps: { store: SettingsStore }) {
  const get = async (): Promise<Settings> => (await deps.store.get()) ?? DEFAULT_SETTINGS;
  return {
    get,
    async update(input: UpdateSettingsInput): Promise<Settings> {
      const current = await get();
      const next: Settings = {
        creditAmber: input.creditAmber ?? current.creditAmber,
        creditRed: input.creditRed ?? current.creditRed,
        deletionDelayHours: input.deletionDelayHours ?? current.deletionDelayHours,
        version: input.version + 1,
      };
      if (compareDecimal(next.creditRed, next.creditAmber) > 0) {
        throw new ValidationError('The red threshold must not be above the amber one.', [{ path: 'creditRed', message: 'must not be above the amber threshold' }]);
      }
      await deps.store.save(next, input.version);
      return next;
    },
  };
}
export type SettingsModule = ReturnType<typeof makeSettings>;
