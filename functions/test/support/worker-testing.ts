/**
 * What migrator-container's tests and benchmark set up through functions, as `@app/functions/testing` (test code
 * only: the worker itself imports `@app/functions/worker` alone, see eslint.config.js): a table, sealed
 * credentials, runs in the states the dispatcher leaves them, the worker's half of a run, a whole local runtime.
 */
export { startLocalDynamo } from '../../src/adapters/dynamodb/local-dynalite.ts';
export { resolveImapTarget, type LookupAll, type ResolvedTarget } from '../../src/adapters/imap/ssrf-guard.ts';
export { createLocalSecretOpener, createLocalSecretSealer } from '../../src/adapters/local-secret-box/local-secret-box.ts';
export { emitNowhere } from '../../src/modules/events.ts';
export { makeFinishRun } from '../../src/modules/migrations/finish-run.ts';
export { makeHandleWorkerGone } from '../../src/modules/migrations/handle-worker-gone.ts';
export { SEALED_KIND, type JobRecord, type RunRecord } from '../../src/modules/migrations/ports.ts';
export { makeQueueRun } from '../../src/modules/migrations/queue-run.ts';
export { makeRunHeartbeat } from '../../src/modules/migrations/run-heartbeat.ts';
export { makeRunMigration } from '../../src/modules/migrations/run-migration.ts';
export { systemClock } from '../../src/platform/clock.ts';
export { buildMigrationStores } from '../../src/platform/composition/migration-stores.ts';
export { startTestRuntime } from './test-runtime.ts';
