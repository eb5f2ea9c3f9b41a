import { getServers } from 'node:dns';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { getConnInfo } from '@hono/node-server/conninfo';
import { NodeDnsLookup } from '../../adapters/dns/node-dns-lookup.ts';
import { createUdpMxResolver } from '../../adapters/dns/udp-mx-resolver.ts';
import { createSandboxDnsProvider } from '../../adapters/local-dns-provider/sandbox-dns-provider.ts';
import type { Table } from '../../adapters/dynamodb/table.ts';
import { createLocalMailer } from '../../adapters/local-mailer/local-mailer.ts';
import { createLocalJobQueue } from '../../adapters/local-queue/local-job-queue.ts';
import { createLocalScheduler } from '../../adapters/local-scheduler/local-scheduler.ts';
import { createLocalRecurringScheduler } from '../../adapters/local-scheduler/local-recurring-scheduler.ts';
import type { DnsCutover } from '../../modules/domain-moves/ports.ts';
import { createLocalSecretOpener, createLocalSecretSealer } from '../../adapters/local-secret-box/local-secret-box.ts';
import { createLocalRunLogReader } from '../../adapters/local-task-runner/local-run-log-reader.ts';
import { createLocalTaskRunner } from '../../adapters/local-task-runner/local-task-runner.ts';
import { PurelyMailHttpClient } from '../../adapters/purelymail/purelymail-http-client.ts';
import type { AppDeps } from '../../http/app-deps.ts';
import { buildWorkerIfNeeded, WORKER_BUNDLE } from '../../local/build-worker-if-needed.ts';
import { systemClock, type Clock } from '../clock.ts';
import type { LocalConfig } from '../config/local-config.ts';
import type { Logger } from '../logger.ts';
import { buildCapabilities } from './build-capabilities.ts';

/** How often the local watchdog sweeps (the AWS rule runs every 5 minutes; a local process is cheap to check). */
export const LOCAL_SWEEP_EVERY_MS = 60_000;

// functions/src/platform/composition → the repository root, where `tsx` and the worker entry live.
const REPO_ROOT = resolve(import.meta.dirname, '..', '..', '..', '..');

/** The system's resolvers (resolv.conf) our own UDP queries can address; one we cannot (a scoped link-local) is left out. */
function systemResolvers() {
  return getServers().flatMap((server) => {
    try {
      return [createUdpMxResolver(server)];
    } catch {
      return [];
    }
  });
}

/** The origins a browser on this machine may use to reach the panel. */
export function localOrigins(config: Pick<LocalConfig, 'HOST' | 'EXTRA_ORIGINS'>, port: number): string[] {
  const hosts = new Set([config.HOST, '127.0.0.1', 'localhost']);
  return [...[...hosts].map((h) => `http://${h.includes(':') ? `[${h}]` : h}:${port}`), ...config.EXTRA_ORIGINS];
}

/**
 * The local runtime (`npm start`, the tests): the same capabilities as on AWS over local adapters. dynalite for the
 * store, PurelyMail over HTTP (the sandbox or the real API), in-process timers for pending actions, the outbox for
 * mail, the master key file for secrets, an in-process queue feeding the dispatcher, which starts the worker as a
 * child process against the same dynalite (over its Unix socket). The client IP comes from the socket: nothing
 * sits in front of the local server, so headers are not trusted.
 */
export function composeLocal(opts: { config: LocalConfig; table: Table; dynamoSocket: string; purelymail: { baseUrl: string; token: string }; sandbox: boolean; port: number; logger: Logger; clock?: Clock; dnsServers: readonly string[]; workerEnv?: Record<string, string>; dnsCutover?: DnsCutover | undefined }) {
  const { config, logger } = opts;
  const clock = opts.clock ?? systemClock;
  const dataDir = resolve(config.DATA_DIR);
  // One key for migration credentials and TOTP secrets, under different purposes in the AES-GCM additional data.
  const masterKeyFile = resolve(config.MASTER_KEY_FILE ?? join(dataDir, 'master.key'));
  const outboxDir = resolve(dataDir, 'outbox');
  const logDir = join(dataDir, 'logs');
  const workDir = join(dataDir, 'work');
  if (config.MIGRATOR_ENTRY === WORKER_BUNDLE) buildWorkerIfNeeded(REPO_ROOT, (m) => logger.info(m));

  const queue = createLocalJobQueue({ logger });
  // The worker's exit reaches the engine built below, as ECS's task-stopped event reaches the dispatch Lambda.
  let workerExited: (runId: string, exit: { code: number | null; signal: string | null }) => void = () => {};
  const runner = createLocalTaskRunner({
    entry: resolve(REPO_ROOT, config.MIGRATOR_ENTRY),
    cwd: REPO_ROOT,
    logger,
    onExit: (runId, exit) => workerExited(runId, exit),
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
  // Armed by the local runtime (startPendingRunner): timers re-armed from the store, overdue actions swept.
  // Domain moves' recurring schedules, driven by the app's Clock (started by the local runtime, re-armed from the moves).
  const recurringScheduler = createLocalRecurringScheduler({ clock, tickMs: config.LOCAL_SCHEDULE_TICK_MS, onError: (name, err) => logger.error('recurring schedule failed', { name, error: (err as Error).message }) });
  const localScheduler = createLocalScheduler({ clock, onError: (id, err) => logger.error('pending action failed to run', { id, error: (err as Error).message }) });
  const panelUrl = localOrigins(config, opts.port)[0]!;

  const caps = buildCapabilities(
    {
      table: opts.table,
      purelymail: new PurelyMailHttpClient({ baseUrl: opts.purelymail.baseUrl, token: opts.purelymail.token, timeoutMs: config.PURELYMAIL_TIMEOUT_MS, logger }),
      dnsLookup: new NodeDnsLookup({ servers: opts.dnsServers }),
      // A domain move publishes into the sandbox's DNS when the sandbox runs (it stands in for Route 53), and asks the
      // same servers as our other lookups: the loopback DNS server in sandbox mode, else DNS_SERVERS or the system's.
      dnsProvider: opts.sandbox ? createSandboxDnsProvider({ baseUrl: opts.purelymail.baseUrl }) : null,
      dnsResolvers: opts.dnsServers.length > 0 ? opts.dnsServers.map((server) => createUdpMxResolver(server)) : systemResolvers(),
      scheduler: localScheduler,
      recurringScheduler,
      dnsCutover: opts.dnsCutover,
      mfaSecretBox: { ...createLocalSecretSealer(masterKeyFile), ...createLocalSecretOpener(masterKeyFile) },
      // One .eml per email under DATA_DIR/outbox/ (a person or a browser test opens it), plus SMTP when set.
      mailer: createLocalMailer({ outboxDir, smtpUrl: config.SMTP_URL }),
      // Seal-only (the worker opens): jobs and campaign submissions.
      sealer: createLocalSecretSealer(masterKeyFile),
      queue,
      batchQueue: queue,
      runner,
      logReader: createLocalRunLogReader(logDir),
      // Locally the cancel also reaches the worker at once (SIGTERM → graceful imapsync stop); it then sees cancelRequested.
      signalWorker: async (run) => {
        if (run.taskRef) await runner.stop(run.taskRef, 'cancel requested');
      },
      clock,
      logger,
    },
    { config, sandbox: opts.sandbox, panelUrl, mailDelivery: { via: 'outbox', outboxDir, smtp: Boolean(config.SMTP_URL) } },
  );
  const { engine } = caps;

  workerExited = (runId, exit) => {
    // A killed worker could not remove its passfiles; nothing of the run's private directory may outlive it.
    rmSync(join(workDir, runId), { recursive: true, force: true });
    void engine.handleWorkerGone(runId, `The worker process exited (${exit.signal ?? `code ${exit.code}`}) before recording an end.`).catch((err: unknown) => logger.error('worker exit not handled', { runId, error: err }));
  };
  queue.consume(async (runId, message) => {
    const out = await engine.dispatch(runId);
    if (out.action !== 'started') logger.debug('migration dispatch', { runId, offer: message.offer, ...out });
    // An offer that found no room is dropped: the run's own delayed re-offer is still on its way.
    return out.action === 'retry' && !message.offer ? { retryAfterSeconds: out.delaySeconds } : undefined;
  });
  // The watchdog, as the AWS rule runs it: hung or over-long runs time out (their child is killed), and a child
  // no starting/running run accounts for is killed. Never overlaps itself; a failure waits for the next tick.
  let sweeping: Promise<unknown> | undefined;
  const sweepTimer = setInterval(() => {
    sweeping ??= engine
      .sweep()
      .then((r) => (r.slotsFreed || r.zombiesStopped.length ? logger.warn('migration sweep acted', { ...r }) : undefined))
      .catch((err: unknown) => logger.warn('migration sweep failed', { error: (err as Error).message }))
      .finally(() => (sweeping = undefined));
  }, LOCAL_SWEEP_EVERY_MS);
  sweepTimer.unref();

  const deps: AppDeps = {
    ...caps,
    logger,
    allowedOrigins: localOrigins(config, opts.port),
    clientIp: (c) => {
      try {
        return getConnInfo(c).remote.address ?? 'unknown';
      } catch {
        return 'unknown';
      }
    },
    sessionCookieMaxAgeSeconds: config.SESSION_ABSOLUTE_HOURS * 3600,
    sessionIdleMinutes: config.SESSION_IDLE_MINUTES,
    sandbox: opts.sandbox,
  };
  const migrations = {
    engine,
    stores: caps.stores.migrations,
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
  return { deps, caps, background: caps.background, stores: caps.stores, localScheduler, recurringScheduler, migrations };
}
export type LocalComposition = ReturnType<typeof composeLocal>;
export type LocalMigrations = LocalComposition['migrations'];
