import type { MailDelivery } from '@app/shared';
import { createDynamoAdminStore } from '../../adapters/dynamodb/dynamodb-admin-store.ts';
import { createDynamoBatchJobReader } from '../../adapters/dynamodb/dynamodb-batch-job-reader.ts';
import { createDynamoBatchStore } from '../../adapters/dynamodb/dynamodb-batch-store.ts';
import { createDynamoNotificationSendStore } from '../../adapters/dynamodb/dynamodb-notification-send-store.ts';
import { createDynamoNotificationSettingsStore } from '../../adapters/dynamodb/dynamodb-notification-settings-store.ts';
import type { Table } from '../../adapters/dynamodb/table.ts';
import { makeBatchFinish, makeLoadBatch } from '../../modules/batches/batch-finish.ts';
import { makeMailSettings, type MailSettingsModule } from '../../modules/notifications/mail-settings.ts';
import { makeNotifier, type Notifier } from '../../modules/notifications/notifier.ts';
import type { Mailer } from '../../modules/notifications/ports.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../logger.ts';

/**
 * Notifications as every root builds them: recipients are all admins plus the extra recipients in Settings,
 * the sender is Settings' or MAIL_FROM, and each (event id, recipient) is sent once (send records in the table).
 */
export function buildNotifier(opts: { table: Table; mailer: Mailer; clock: Clock; logger: Logger; panelUrl: string; mailFrom: string; mailDelivery?: MailDelivery }): { notify: Notifier; mailSettings: MailSettingsModule } {
  const { table } = opts;
  const admins = createDynamoAdminStore(table);
  const mailSettings = makeMailSettings({ store: createDynamoNotificationSettingsStore(table), defaultFrom: opts.mailFrom, delivery: opts.mailDelivery });
  const notify = makeNotifier({
    mailer: opts.mailer,
    sends: createDynamoNotificationSendStore(table),
    admins: { emails: async () => (await admins.list()).map((a) => a.email) },
    mailSettings,
    clock: opts.clock,
    logger: opts.logger,
    panelUrl: opts.panelUrl,
  });
  return { notify, mailSettings };
}

/**
 * The run-end observer alone (batch summaries, single-job emails), for roots that end runs but serve no API
 * (the dispatch Lambda): register `onRunEnded` with the engine.
 */
export function buildBatchesFinish(opts: { table: Table; notify: Pick<Notifier, 'send'>; mailSettings: Pick<MailSettingsModule, 'get'>; clock: Clock; logger: Logger; panelUrl: string; maxAttempts: number }) {
  const store = createDynamoBatchStore(opts.table);
  const reader = createDynamoBatchJobReader(opts.table);
  return makeBatchFinish({ store, reader, load: makeLoadBatch({ store, reader }), notify: opts.notify, mailSettings: opts.mailSettings, clock: opts.clock, logger: opts.logger, panelUrl: opts.panelUrl, maxAttempts: opts.maxAttempts });
}
