import * as z from 'zod';
import type { StoredMailSettings, MailSettingsStore } from '../../modules/notifications/mail-settings.ts';
import { orNull } from './stored-item.ts';
import type { Table } from './table.ts';
import { versionedItem } from './versioned-item.ts';

const KEY = { pk: 'SETTINGS', sk: 'MAIL' };
/** The mail settings item: no sender of its own (null) means MAIL_FROM. */
const MailSettingsItem = z.object({ from: orNull(z.string()), extraRecipients: z.array(z.string()).default([]), version: z.number().int() }) satisfies z.ZodType<StoredMailSettings>;

/** Mail settings (sender, extra recipients): one item, written with optimistic locking on `version`. */
export function createDynamoNotificationSettingsStore(table: Table): MailSettingsStore {
  const settings = versionedItem(table, KEY, 'mail settings', MailSettingsItem);
  return {
    get: () => settings.get(),
    save: (value: StoredMailSettings, expectedVersion: number) => settings.save(value, expectedVersion, 'Someone else changed the mail settings meanwhile. Reload and try again.'),
  };
}
