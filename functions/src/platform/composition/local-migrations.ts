import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Table } from '../../adapters/dynamodb/table.ts';
import { createLocalJobQueue } from '../../adapters/local-queue/local-job-queue.ts';
import { createLocalSecretSealer } from '../../adapters/local-secret-box/local-secret-box.ts';
import { createLocalRunLogReader } from '../../adapters/local-task-runner/local-run-log-reader.ts';
import { createLocalTaskRunner } from '../../adapters/local-task-runner/local-task-runner.ts';
import type { LocalConfig } from '../config.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../logger.ts';
import { buildWorkerIfNeeded, WORKER_BUNDLE } from '../../local/build-worker-if-needed.ts';
import { buildMigrationEngine, buildMigrationsApi, buildMigrationStores } from './build-migrations.ts';

/** How often the local watchdog sweeps (the AWS rule runs every 5 minutes; a local process is cheap to check). */
export const LOCAL_SWEEP_EVERY_MS = 60_000;

// functions/src/platform/composition → the repository root, where `tsx` and the worker entry live.
const REPO_ROOT = resolve(import.meta.dirname, '..', '..', '..', '..');

/**
 * Migrations on one machine: the in-process queue feeds the dispatcher, which starts the worker as a child
 * process against the same dynalite (over its Unix socket); credentials are sealed under DATA_DIR/master.key (the worker opens them).
 */
export function composeLocalMigrations(opts: { config: LocalConfig; table: Table; dynamoSocket: string; logger: Logger; clock: Clock; workerEnv?: Record<string, string> }) {
  const { config } = opts;
  const dataDir = resolve(config.DATA_DIR);
  const masterKeyFile = resolve(config.MASTER_KEY_FILE ?? join(dataDir, 'master.key'));
  const logDir = join(dataDir, 'logs');
  const workDir = join(dataDir, 'work');
  if (config.MIGRATOR_ENTRY === WORKER_BUNDLE) buildWorkerIfNeeded(REPO_ROOT, (m) => opts.logger.info(m));
  const stores = buildMigrationStores(opts.table, opts.clock);
  const queue = createLocalJobQueue({ logger: opts.logger });
  let onExit: (runId: string, exit: { code: number | null; signal: string | null }) => void = () => {};
  const runner = createLocalTaskRunner({
    entry: resolve(REPO_ROOT, config.MIGRATOR_ENTRY),
    cwd: REPO_ROOT,
    logger: opts.logger,
    onExit: (runId, exit) => onExit(runId, exit),
    env: {
      TABLE_NAME: opts.table.name,
      DYNAMODB_SOCKET: opts.dynamoSocket,
      MASTER_KEY_FILE: masterKeyFile,
      LOG_DIR: logDir,
      // Node 22+ keeps the bundle's compiled code here, so each run's worker starts without compiling it again.
      NODE_COMPILE_CACHE: join(workDir, '.compile-cache'),
      WORK_DIR: workDir,
      IMAPSYNC_COMMAND: config.IMAPSYNC_COMMAND,
      ALLOW_PRIVATE_IMAP_HOSTS: String(config.ALLOW_PRIVATE_IMAP_HOSTS),
      MIGRATION_EXTRA_IMAP_PORTS: config.MIGRATION_EXTRA_IMAP_PORTS.join(','),
      MIGRATION_HEARTBEAT_SECONDS: String(config.MIGRATION_HEARTBEAT_SECONDS),
      LOG_LEVEL: config.LOG_LEVEL,
      ...opts.workerEnv,
    },
  });
  const engine = buildMigrationEngine({ stores, queue, runner, config, clock: opts.clock, logger: opts.logger });
  onExit = (runId, exit) => {
    // A killed worker could not remove its passfiles; nothing of the run's private directory may outlive it.
    rmSync(join(workDir, runId), { recursive: true, force: true });
    void engine.handleWorkerGone(runId, `The worker process exited (${exit.signal ?? `code ${exit.code}`}) before recording an end.`).catch((err: unknown) => opts.logger.error('worker exit not handled', { runId, error: err }));
  };
  queue.consume(async (runId, message) => {
    const out = await engine.dispatch(runId);
    if (out.action !== 'started') opts.logger.debug('migration dispatch', { runId, offer: message.offer, ...out });
    // An offer that found no room is dropped: the run's own delayed re-offer is still on its way.
    return out.action === 'retry' && !message.offer ? { retryAfterSeconds: out.delaySeconds } : undefined;
  });
  // The watchdog, as the AWS rule runs it: hung or over-long runs time out (their child is killed), and a child
  // no starting/running run accounts for is killed. Never overlaps itself; a failure waits for the next tick.
  let sweeping: Promise<unknown> | undefined;
  const sweepTimer = setInterval(() => {
    sweeping ??= engine
      .sweep()
      .then((r) => (r.slotsFreed || r.zombiesStopped.length ? opts.logger.warn('migration sweep acted', { ...r }) : undefined))
      .catch((err: unknown) => opts.logger.warn('migration sweep failed', { error: (err as Error).message }))
      .finally(() => (sweeping = undefined));
  }, LOCAL_SWEEP_EVERY_MS);
  sweepTimer.unref();
  const sealer = createLocalSecretSealer(masterKeyFile);
  const api = buildMigrationsApi({
    stores,
    engine,
    sealer,
    logReader: createLocalRunLogReader(logDir),
    allowPrivateImapHosts: config.ALLOW_PRIVATE_IMAP_HOSTS,
    extraImapPorts: config.MIGRATION_EXTRA_IMAP_PORTS,
    clock: opts.clock,
    // Locally the cancel also reaches the worker at once (SIGTERM → graceful imapsync stop); it then sees cancelRequested.
    signalWorker: async (run) => {
      if (run.taskRef) await runner.stop(run.taskRef, 'cancel requested');
    },
  });
  return {
    api,
    /** Seal-only, for campaign submissions (same key and contexts as jobs: the worker opens them). */
    sealer,
    engine,
    stores,
    table: opts.table,
    workDir,
    logDir,
    queue,
    runner,
    async close() {
      clearInterval(sweepTimer);
      await sweeping;
      await queue.close();
      await runner.close();
    },
  };
}
export type LocalMigrations = ReturnType<typeof composeLocalMigrations>;
