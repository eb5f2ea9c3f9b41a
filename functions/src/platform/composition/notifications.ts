import type { MailDelivery } from '@app/shared';
import { createDynamoAdminStore } from '../../adapters/dynamodb/dynamodb-admin-store.ts';
import { createDynamoNotificationSendStore } from '../../adapters/dynamodb/dynamodb-notification-send-store.ts';
import { createDynamoNotificationSettingsStore } from '../../adapters/dynamodb/dynamodb-notification-settings-store.ts';
import type { Table } from '../../adapters/dynamodb/table.ts';
import { makeMailSettings } from '../../modules/notifications/mail-settings.ts';
import { makeNotifier } from '../../modules/notifications/notifier.ts';
import type { Mailer } from '../../modules/notifications/ports.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../logger.ts';

/**
 * Notifications as every runtime that mails builds them (the app, the dispatch Lambda): recipients are all admins
 * plus the extra recipients in Settings, the sender is Settings' or MAIL_FROM, and each (event id, recipient) is
 * sent once (send records in the table).
 */
export function buildNotifications(opts: { table: Table; mailer: Mailer; clock: Clock; logger: Logger; panelUrl: string; mailFrom: string; mailDelivery?: MailDelivery; senderIdentities?: readonly string[] }) {
  const admins = createDynamoAdminStore(opts.table);
  const mailSettings = makeMailSettings({ store: createDynamoNotificationSettingsStore(opts.table), defaultFrom: opts.mailFrom, delivery: opts.mailDelivery, senderIdentities: opts.senderIdentities });
  const notify = makeNotifier({
    mailer: opts.mailer,
    sends: createDynamoNotificationSendStore(opts.table),
    admins: { emails: async () => (await admins.list()).map((a) => a.email) },
    mailSettings,
    clock: opts.clock,
    logger: opts.logger,
    panelUrl: opts.panelUrl,
  });
  return { notify, mailSettings };
}
