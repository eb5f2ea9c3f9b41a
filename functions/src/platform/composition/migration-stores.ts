import { createDynamoMigrationJobStore } from '../../adapters/dynamodb/dynamodb-migration-job-store.ts';
import { createDynamoMigrationLeaseStore } from '../../adapters/dynamodb/dynamodb-migration-lease-store.ts';
import { createDynamoMigrationRunStore } from '../../adapters/dynamodb/dynamodb-migration-run-store.ts';
import { createDynamoMigrationServerStore } from '../../adapters/dynamodb/dynamodb-migration-server-store.ts';
import { createDynamoMigrationSettingsStore } from '../../adapters/dynamodb/dynamodb-migration-settings-store.ts';
import { createDynamoMigrationSlotStore } from '../../adapters/dynamodb/dynamodb-migration-slot-store.ts';
import { createDynamoMigrationWaitingStore } from '../../adapters/dynamodb/dynamodb-migration-waiting-store.ts';
import { createDynamoThrottleStore } from '../../adapters/dynamodb/dynamodb-throttle-store.ts';
import type { Table } from '../../adapters/dynamodb/table.ts';
import { throttleRateCounter } from '../../modules/campaigns/rate-limits.ts';

/** What a run needs stored, and nothing else: the worker builds only these (worker.ts). */
export function buildRunStores(table: Table) {
  return {
    servers: createDynamoMigrationServerStore(table),
    jobs: createDynamoMigrationJobStore(table),
    runs: createDynamoMigrationRunStore(table),
    slots: createDynamoMigrationSlotStore(table),
    leases: createDynamoMigrationLeaseStore(table),
  };
}

/** The migration stores of the api, the dispatcher and the local runtime. */
export function buildMigrationStores(table: Table) {
  return {
    ...buildRunStores(table),
    /** Queued runs turned away for a slot or a mailbox, offered again when a run ends. */
    waiting: createDynamoMigrationWaitingStore(table),
    settings: createDynamoMigrationSettingsStore(table),
    /** Test-login attempts per admin, on the login throttle's buckets. */
    testLoginAttempts: throttleRateCounter(createDynamoThrottleStore(table)),
  };
}
export type MigrationStores = ReturnType<typeof buildMigrationStores>;
