import { createDynamoBatchJobReader } from '../../adapters/dynamodb/dynamodb-batch-job-reader.ts';
import { createDynamoBatchJobWriter } from '../../adapters/dynamodb/dynamodb-batch-job-writer.ts';
import { createDynamoBatchStore } from '../../adapters/dynamodb/dynamodb-batch-store.ts';
import type { Table } from '../../adapters/dynamodb/table.ts';
import type { Audit } from '../../modules/audit/audit.ts';
import { makeBatches, type Batches } from '../../modules/batches/batches.ts';
import { makeBulkImport, type BulkImport } from '../../modules/bulk-import/bulk-import.ts';
import type { CacheStore } from '../../modules/cache/ports.ts';
import type { Campaigns } from '../../modules/campaigns/campaigns.ts';
import type { MigrationsApi } from '../../modules/migrations/migrations-api.ts';
import type { JobQueue } from '../../modules/migrations/ports.ts';
import type { MailSettingsModule } from '../../modules/notifications/mail-settings.ts';
import type { Notifier } from '../../modules/notifications/notifier.ts';
import type { SecretSealer } from '../../modules/secrets/ports.ts';
import type { Users } from '../../modules/users/users.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../logger.ts';
import { buildCampaigns, type CampaignConfig } from './build-campaigns.ts';
import { buildReadOnlyMigrationsApi } from './build-migrations.ts';

/** What the migration feature takes from the rest of the app (built first, by buildAppDeps). */
export interface MigrationFeatureCore {
  table: Table;
  config: Partial<CampaignConfig>;
  clock: Clock;
  logger: Logger;
  notify: Notifier;
  mailSettings: MailSettingsModule;
  users: Users;
  cache: CacheStore;
  refreshCache: () => Promise<unknown>;
  audit: Audit;
  panelUrl: string;
}

/** IMAP migration: servers, jobs and runs, batches, the CSV import and credential-gathering campaigns. */
export interface MigrationFeature {
  migrations: MigrationsApi;
  batches: Batches;
  bulkImport: BulkImport;
  campaigns: Campaigns;
}

/**
 * Builds the migration feature around a runtime's migrations facade (its own queue, sealer and log store;
 * read-only when absent). A separate module so the AWS root can load it on first use (see aws.ts).
 */
export function buildMigrationFeature(
  core: MigrationFeatureCore,
  opts: {
    migrations?: MigrationsApi;
    /** Seals campaign submissions (the same sealer as the migrations'); campaigns refuse passwords without it. */
    campaignSealer?: SecretSealer;
    migrationMaxAttempts?: number;
    /** The run queue, so a batch queues its first runs in bulk (local root); without it they are queued one by one. */
    migrationQueue?: JobQueue;
  } = {},
): MigrationFeature {
  const { table, clock, logger } = core;
  const migrations = opts.migrations ?? buildReadOnlyMigrationsApi(table, clock, logger);
  const batches = makeBatches({
    store: createDynamoBatchStore(table),
    reader: createDynamoBatchJobReader(table),
    jobs: migrations.jobs,
    cancelRun: migrations.cancelRun,
    notify: core.notify,
    mailSettings: core.mailSettings,
    clock,
    logger,
    panelUrl: core.panelUrl,
    maxAttempts: opts.migrationMaxAttempts ?? 3,
    writer: createDynamoBatchJobWriter(table),
    queue: opts.migrationQueue,
  });
  const campaigns = buildCampaigns({
    table,
    config: core.config,
    sealer: opts.campaignSealer ?? { seal: () => Promise.reject(new Error('Sealing is not configured in this runtime.')) },
    migrations,
    users: core.users,
    cache: core.cache,
    refreshCache: core.refreshCache,
    audit: core.audit,
    clock,
    logger,
    panelUrl: core.panelUrl,
  });
  return { migrations, batches, bulkImport: makeBulkImport({ servers: migrations.servers, batches }), campaigns };
}
