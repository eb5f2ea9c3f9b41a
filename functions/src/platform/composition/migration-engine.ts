import type { Emit } from '../../modules/events.ts';
import { makeDispatchRun } from '../../modules/migrations/dispatch-run.ts';
import type { MigrationEvents } from '../../modules/migrations/events.ts';
import { makeFinishRun } from '../../modules/migrations/finish-run.ts';
import { makeHandleWorkerGone } from '../../modules/migrations/handle-worker-gone.ts';
import { makeDestinationOf } from '../../modules/migrations/mailbox-lease.ts';
import { makeMigrationSettings } from '../../modules/migrations/migration-settings.ts';
import { makeOfferWaitingRun } from '../../modules/migrations/offer-waiting-run.ts';
import type { JobQueue, TaskRunner } from '../../modules/migrations/ports.ts';
import { makeQueueRun } from '../../modules/migrations/queue-run.ts';
import { makeReconcileSlots } from '../../modules/migrations/reconcile-slots.ts';
import { makeStopZombieTasks } from '../../modules/migrations/stop-zombie-tasks.ts';
import { makeSweepRuns } from '../../modules/migrations/sweep-runs.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../logger.ts';
import type { MigrationStores } from './migration-stores.ts';

export interface MigrationConfig {
  MIGRATION_CONCURRENCY: number;
  MIGRATION_MAX_ATTEMPTS: number;
  MIGRATION_RETRY_DELAY_SECONDS: number;
  MIGRATION_HEARTBEAT_SECONDS: number;
  /** Watchdog: a run running longer than this is stopped and fails as timed out (default 12). */
  MIGRATION_MAX_RUN_HOURS?: number;
  /** Watchdog: a running run whose heartbeat is older than this is stopped and fails as timed out (default 10). */
  MIGRATION_HEARTBEAT_TIMEOUT_MINUTES?: number;
}

/**
 * The run engine: queue → dispatcher → runner, the ends of runs and what happens when a worker goes away; built
 * eagerly, each part after the parts it uses. The api builds it too (queueRun, cancel); the dispatch Lambda and
 * the local runtime also dispatch and sweep. Every end of a run is told as RunEnded on `emit`.
 */
export function buildMigrationEngine(opts: { stores: MigrationStores; queue: JobQueue; runner: TaskRunner; config: MigrationConfig; clock: Clock; logger: Logger; emit: Emit<MigrationEvents> }) {
  const { stores, clock, config, logger, emit } = opts;
  const finishRun = makeFinishRun({ ...stores, clock, emit });
  const queueRun = makeQueueRun({ jobs: stores.jobs, runs: stores.runs, queue: opts.queue, clock });
  const handleWorkerGone = makeHandleWorkerGone({ ...stores, finishRun, queueRun, maxAttempts: config.MIGRATION_MAX_ATTEMPTS, logger, emit });
  const settings = makeMigrationSettings({ store: stores.settings, slots: stores.slots, defaultConcurrency: config.MIGRATION_CONCURRENCY });
  const heartbeatMs = config.MIGRATION_HEARTBEAT_SECONDS * 1000;
  const startTimeoutMs = Math.max(heartbeatMs * 20, 10 * 60_000);
  const reconcile = makeReconcileSlots({
    ...stores,
    runner: opts.runner,
    finishRun,
    handleWorkerGone,
    clock,
    logger,
    policy: {
      heartbeatStaleMs: (config.MIGRATION_HEARTBEAT_TIMEOUT_MINUTES ?? 10) * 60_000,
      maxRunMs: (config.MIGRATION_MAX_RUN_HOURS ?? 12) * 3_600_000,
      startTimeoutMs,
      queuedHoldMs: 5 * 60_000,
      // ECS stops a task within its stopTimeout (120 s) and then kills it; a minute's margin for the event.
      stopGraceMs: 3 * 60_000,
    },
  });
  const dispatch = makeDispatchRun({
    ...stores,
    destinationOf: makeDestinationOf(stores),
    // Until the worker's first heartbeat a lease lasts as long as a start may take; then two heartbeats at a time.
    leaseHoldMs: startTimeoutMs,
    leaseRenewMs: heartbeatMs * 2,
    runner: opts.runner,
    finishRun,
    concurrency: settings.concurrency,
    reconcile,
    clock,
    logger,
    retryDelaySeconds: config.MIGRATION_RETRY_DELAY_SECONDS,
  });
  const sweep = makeSweepRuns({ reconcile, stopZombies: makeStopZombieTasks({ runner: opts.runner, runs: stores.runs, clock, logger }) });
  /** A RunEnded subscriber (subscriptions.ts): the slot a run freed goes to the oldest waiting run at once. */
  const offerWaitingRun = makeOfferWaitingRun({ runs: stores.runs, waiting: stores.waiting, queue: opts.queue, logger });
  return { finishRun, queueRun, handleWorkerGone, settings, reconcile, dispatch, sweep, offerWaitingRun };
}
export type MigrationEngine = ReturnType<typeof buildMigrationEngine>;
