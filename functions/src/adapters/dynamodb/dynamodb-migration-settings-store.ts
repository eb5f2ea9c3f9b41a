import * as z from 'zod';
import type { MigrationSettingsStore } from '../../modules/migrations/ports.ts';
import type { Table } from './table.ts';
import { versionedItem } from './versioned-item.ts';

const KEY = { pk: 'SETTINGS', sk: 'MIGRATIONS' };
const MigrationSettingsItem = z.object({ concurrency: z.number().int(), version: z.number().int() });

/** The migration settings item (concurrency limit), read by the dispatcher on every take: no restart needed. */
export function createDynamoMigrationSettingsStore(table: Table): MigrationSettingsStore {
  const settings = versionedItem(table, KEY, 'migration settings', MigrationSettingsItem);
  return {
    get: () => settings.get(),
    save: (value, expectedVersion) => settings.save(value, expectedVersion, 'Someone else changed the migration settings meanwhile. Reload and try again.'),
  };
}
