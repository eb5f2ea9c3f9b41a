import { createDynamoBatchJobReader } from '../../adapters/dynamodb/dynamodb-batch-job-reader.ts';
import { createDynamoBatchStore } from '../../adapters/dynamodb/dynamodb-batch-store.ts';
import type { Table } from '../../adapters/dynamodb/table.ts';
import { makeBatchFinish, makeLoadBatch } from '../../modules/batches/batch-finish.ts';
import type { MailSettingsModule } from '../../modules/notifications/mail-settings.ts';
import type { Notifier } from '../../modules/notifications/notifier.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../logger.ts';

/**
 * The run-end observer alone (batch summaries, single-job emails), for roots that end runs but serve no API
 * (the dispatch Lambda): register `onRunEnded` with the engine. Its own file, so the api's cold start, which
 * needs the notifier, does not load the batch modules with it.
 */
export function buildBatchesFinish(opts: { table: Table; notify: Pick<Notifier, 'send'>; mailSettings: Pick<MailSettingsModule, 'get'>; clock: Clock; logger: Logger; panelUrl: string; maxAttempts: number }) {
  const store = createDynamoBatchStore(opts.table);
  const reader = createDynamoBatchJobReader(opts.table);
  return makeBatchFinish({ store, reader, load: makeLoadBatch({ store, reader }), notify: opts.notify, mailSettings: opts.mailSettings, clock: opts.clock, logger: opts.logger, panelUrl: opts.panelUrl, maxAttempts: opts.maxAttempts });
}
