import { isTerminalRunState } from '@app/shared';
import { createDynamoMigrationJobStore } from '../../adapters/dynamodb/dynamodb-migration-job-store.ts';
import { createDynamoMigrationLeaseStore } from '../../adapters/dynamodb/dynamodb-migration-lease-store.ts';
import { createDynamoMigrationRunStore } from '../../adapters/dynamodb/dynamodb-migration-run-store.ts';
import { createDynamoMigrationServerStore } from '../../adapters/dynamodb/dynamodb-migration-server-store.ts';
import { createDynamoMigrationSettingsStore } from '../../adapters/dynamodb/dynamodb-migration-settings-store.ts';
import { createDynamoMigrationSlotStore } from '../../adapters/dynamodb/dynamodb-migration-slot-store.ts';
import { createDynamoMigrationWaitingStore } from '../../adapters/dynamodb/dynamodb-migration-waiting-store.ts';
import type { Table } from '../../adapters/dynamodb/table.ts';
import { createDynamoThrottleStore } from '../../adapters/dynamodb/dynamodb-throttle-store.ts';
import { throttleRateCounter } from '../../modules/campaigns/rate-limits.ts';
import { createImapLoginTester } from '../../adapters/imap/imap-login-tester.ts';
import { resolveImapTarget, STANDARD_IMAP_PORTS, type ImapTargetPolicy } from '../../adapters/imap/ssrf-guard.ts';
import { makeCancelRun } from '../../modules/migrations/cancel-run.ts';
import { makeDispatchRun } from '../../modules/migrations/dispatch-run.ts';
import { makeFinishRun } from '../../modules/migrations/finish-run.ts';
import { makeHandleWorkerGone } from '../../modules/migrations/handle-worker-gone.ts';
import { makeDestinationOf, withLeaseRenewal } from '../../modules/migrations/mailbox-lease.ts';
import { makeManageJobs } from '../../modules/migrations/manage-jobs.ts';
import { makeManageServers } from '../../modules/migrations/manage-servers.ts';
import { makeMigrationSettings } from '../../modules/migrations/migration-settings.ts';
import { makeOfferWaitingRun } from '../../modules/migrations/offer-waiting-run.ts';
import { makeRunReads, type MigrationsApi } from '../../modules/migrations/migrations-api.ts';
import type { ImapTargetGuard, JobQueue, RunLogReader, RunRecord, TaskRunner } from '../../modules/migrations/ports.ts';
import { makeQueueRun } from '../../modules/migrations/queue-run.ts';
import { makeReconcileSlots } from '../../modules/migrations/reconcile-slots.ts';
import { makeStopZombieTasks } from '../../modules/migrations/stop-zombie-tasks.ts';
import { makeSweepRuns } from '../../modules/migrations/sweep-runs.ts';
import { makeTestLogin } from '../../modules/migrations/test-login.ts';
import type { SecretSealer } from '../../modules/secrets/ports.ts';
import { systemClock, type Clock } from '../clock.ts';
import type { Logger } from '../logger.ts';

export interface MigrationConfig {
  MIGRATION_CONCURRENCY: number;
  MIGRATION_MAX_ATTEMPTS: number;
  MIGRATION_RETRY_DELAY_SECONDS: number;
  MIGRATION_HEARTBEAT_SECONDS: number;
  /** Watchdog: a run running longer than this is stopped and fails as timed out (default 12). */
  MIGRATION_MAX_RUN_HOURS?: number;
  /** Watchdog: a running run whose heartbeat is older than this is stopped and fails as timed out (default 10). */
  MIGRATION_HEARTBEAT_TIMEOUT_MINUTES?: number;
  ALLOW_PRIVATE_IMAP_HOSTS: boolean;
}

/**
 * Where IMAP connections may go: any port with private hosts allowed (a local lab), else 143, 993 and the ports the
 * deployment opened besides (MIGRATION_EXTRA_IMAP_PORTS; on AWS the tasks' security group allows exactly these).
 */
export const imapPolicy = (allowPrivate: boolean, extraPorts: readonly number[] = []): ImapTargetPolicy => ({
  allowPrivate,
  allowedPorts: allowPrivate ? 'any' : [...new Set([...STANDARD_IMAP_PORTS, ...extraPorts])],
});

/**
 * The migration stores. `runs` renews a run's mailbox lease with each worker heartbeat (see withLeaseRenewal):
 * the worker builds its stores here too, so its heartbeat is the lease's renewal without knowing about leases.
 */
export function buildMigrationStores(table: Table, clock: Clock = systemClock) {
  const leases = createDynamoMigrationLeaseStore(table);
  return {
    servers: createDynamoMigrationServerStore(table),
    jobs: createDynamoMigrationJobStore(table),
    runs: withLeaseRenewal(createDynamoMigrationRunStore(table), leases, clock),
    slots: createDynamoMigrationSlotStore(table),
    leases,
    /** Queued runs turned away for a slot or a mailbox, offered again when a run ends. */
    waiting: createDynamoMigrationWaitingStore(table),
    settings: createDynamoMigrationSettingsStore(table),
    /** Test-login attempts per admin, on the login throttle's buckets. */
    testLoginAttempts: throttleRateCounter(createDynamoThrottleStore(table)),
  };
}
export type MigrationStores = ReturnType<typeof buildMigrationStores>;

/** At save time only the address rule applies; a name that does not resolve yet is allowed. */
function saveTimeGuard(policy: ImapTargetPolicy): ImapTargetGuard {
  return {
    async check(host, port) {
      const r = await resolveImapTarget(host, port, policy);
      return r.ok || r.reason === 'dns' ? { ok: true } : { ok: false, message: r.message, field: r.port ? 'port' : 'host' };
    },
  };
}

/** The engine: queue → dispatcher → runner, and what happens when a worker goes away. Used by the API side too (queueRun). */
export function buildMigrationEngine(opts: { stores: MigrationStores; queue: JobQueue; runner: TaskRunner; config: MigrationConfig; clock: Clock; logger: Logger }) {
  const { stores, clock, config } = opts;
  // Run-end observers (batch summaries, single-job emails), registered by the root once notifications exist.
  // Called after every end and again after a worker is gone (the worker ends its runs in its own process);
  // observers are idempotent and never throw.
  const runEndedObservers: ((runId: string) => Promise<void>)[] = [];
  const offerWaitingRun = makeOfferWaitingRun({ waiting: stores.waiting, queue: opts.queue, logger: opts.logger });
  const runEnded = async (runId: string) => {
    // First the freed slot: the next waiting run starts now, not at its delayed re-offer. Only a run that was
    // dispatched held a slot; one that ended while queued freed nothing.
    if (opts.queue.offer) {
      const run = await stores.runs.get(runId).catch(() => undefined);
      if (run?.startedAt && isTerminalRunState(run.state)) await offerWaitingRun({ runId, leaseKey: run.mailboxLease });
    }
    for (const observe of runEndedObservers) await observe(runId).catch((err: unknown) => opts.logger.error('run-end observer failed', { runId, error: (err as Error).message }));
  };
  const innerFinishRun = makeFinishRun({ runs: stores.runs, jobs: stores.jobs, slots: stores.slots, leases: stores.leases, clock });
  const finishRun: typeof innerFinishRun = async (run, to, from, patch, finishOpts) => {
    const ended = await innerFinishRun(run, to, from, patch, finishOpts);
    await runEnded(run.id);
    return ended;
  };
  const queueRun = makeQueueRun({ jobs: stores.jobs, runs: stores.runs, queue: opts.queue, clock });
  const innerHandleWorkerGone = makeHandleWorkerGone({ runs: stores.runs, jobs: stores.jobs, slots: stores.slots, leases: stores.leases, finishRun, queueRun, maxAttempts: config.MIGRATION_MAX_ATTEMPTS, logger: opts.logger });
  const handleWorkerGone: typeof innerHandleWorkerGone = async (runId, reason) => {
    const final = await innerHandleWorkerGone(runId, reason);
    await runEnded(runId);
    return final;
  };
  const settings = makeMigrationSettings({ store: stores.settings, slots: stores.slots, defaultConcurrency: config.MIGRATION_CONCURRENCY });
  const heartbeatMs = config.MIGRATION_HEARTBEAT_SECONDS * 1000;
  const startTimeoutMs = Math.max(heartbeatMs * 20, 10 * 60_000);
  const reconcile = makeReconcileSlots({
    slots: stores.slots,
    runs: stores.runs,
    leases: stores.leases,
    runner: opts.runner,
    finishRun,
    handleWorkerGone,
    clock,
    logger: opts.logger,
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
    runs: stores.runs,
    slots: stores.slots,
    leases: stores.leases,
    waiting: stores.waiting,
    destinationOf: makeDestinationOf({ jobs: stores.jobs, servers: stores.servers }),
    // Until the worker's first heartbeat a lease lasts as long as a start may take; then two heartbeats at a time.
    leaseHoldMs: startTimeoutMs,
    leaseRenewMs: heartbeatMs * 2,
    runner: opts.runner,
    finishRun,
    concurrency: settings.concurrency,
    reconcile,
    clock,
    logger: opts.logger,
    retryDelaySeconds: config.MIGRATION_RETRY_DELAY_SECONDS,
  });
  const sweep = makeSweepRuns({ reconcile, stopZombies: makeStopZombieTasks({ runner: opts.runner, runs: stores.runs, clock, logger: opts.logger }) });
  const onRunEnded = (observe: (runId: string) => Promise<void>) => void runEndedObservers.push(observe);
  return { finishRun, queueRun, handleWorkerGone, settings, reconcile, dispatch, sweep, onRunEnded, offerWaitingRun };
}
export type MigrationEngine = ReturnType<typeof buildMigrationEngine>;

/** The API's migrations facade: it can seal (never open), queue runs and ask workers to stop. */
export function buildMigrationsApi(opts: {
  stores: MigrationStores;
  engine: Pick<MigrationEngine, 'finishRun' | 'queueRun' | 'settings'>;
  sealer: SecretSealer;
  logReader: RunLogReader;
  allowPrivateImapHosts: boolean;
  /** IMAP ports the deployment opens besides 143 and 993 (MIGRATION_EXTRA_IMAP_PORTS). */
  extraImapPorts?: readonly number[];
  clock: Clock;
  signalWorker?: (run: RunRecord) => Promise<void>;
}): MigrationsApi {
  const { stores, clock } = opts;
  const policy = imapPolicy(opts.allowPrivateImapHosts, opts.extraImapPorts);
  const reads = makeRunReads({ runs: stores.runs, logReader: opts.logReader });
  return {
    servers: makeManageServers({ servers: stores.servers, jobs: stores.jobs, guard: saveTimeGuard(policy), clock }),
    testLogin: makeTestLogin({ servers: stores.servers, tester: createImapLoginTester({ policy }), attempts: stores.testLoginAttempts, now: () => clock.now().getTime() }),
    jobs: makeManageJobs({ jobs: stores.jobs, runs: stores.runs, servers: stores.servers, sealer: opts.sealer, queueRun: opts.engine.queueRun, clock }),
    cancelRun: makeCancelRun({ runs: stores.runs, finishRun: opts.engine.finishRun, clock, signalWorker: opts.signalWorker }),
    ...reads,
    settings: opts.engine.settings,
  };
}

/**
 * For roots that do not run migrations (e.g. the scheduled Lambda): reads work, anything that would seal,
 * queue or start refuses with a clear error.
 */
export function buildReadOnlyMigrationsApi(table: Table, clock: Clock, logger: Logger): MigrationsApi {
  const refuse = () => Promise.reject(new Error('Migrations are not configured in this runtime.'));
  const stores = buildMigrationStores(table);
  const engine = buildMigrationEngine({
    stores,
    queue: { enqueue: refuse },
    runner: { start: refuse, stop: refuse, listRunning: refuse },
    config: { MIGRATION_CONCURRENCY: 4, MIGRATION_MAX_ATTEMPTS: 3, MIGRATION_RETRY_DELAY_SECONDS: 15, MIGRATION_HEARTBEAT_SECONDS: 15, ALLOW_PRIVATE_IMAP_HOSTS: false },
    clock,
    logger,
  });
  return buildMigrationsApi({ stores, engine, sealer: { seal: refuse }, logReader: { read: async () => undefined }, allowPrivateImapHosts: false, clock });
}
