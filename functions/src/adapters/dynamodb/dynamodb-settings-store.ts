import * as z from 'zod';
import { Settings } from '@app/shared';
import type { SettingsStore } from '../../modules/settings/ports.ts';
import type { Table } from './table.ts';
import { versionedItem } from './versioned-item.ts';

export const SETTINGS_KEY = { pk: 'SETTINGS', sk: 'GLOBAL' };

/** The settings item; items saved before the 2FA requirement or the credit forecast existed lack them (off; 14 days). */
export const SettingsItem = Settings.extend({ requireAdminMfa: z.boolean().default(false), creditForecastDays: z.number().int().default(14) }) satisfies z.ZodType<Settings>;

export function createDynamoSettingsStore(table: Table): SettingsStore {
  const settings = versionedItem(table, SETTINGS_KEY, 'panel settings', SettingsItem);
  return {
    get: () => settings.get(),
    save: (value, expectedVersion) => settings.save(value, expectedVersion, 'Someone else changed the settings meanwhile. Reload and try again.'),
  };
}
