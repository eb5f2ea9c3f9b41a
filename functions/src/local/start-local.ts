import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { startLocalDynamo } from '../adapters/dynamodb/local-dynalite.ts';
import { dynamoSocketPath } from '../adapters/dynamodb/local-socket.ts';
import type { Table } from '../adapters/dynamodb/table.ts';
import { createApp } from '../http/app.ts';
import type { LocalConfig } from '../platform/config/local-config.ts';
import { composeLocal, type LocalMigrations } from '../platform/composition/local.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import { startDnsServer } from './dns-server/dns-server.ts';
import { startSandbox, type Sandbox } from './purelymail-sandbox/sandbox-server.ts';
import { makeDataDirPrivate } from './private-data-dir.ts';
import { withSpa } from './serve-spa.ts';
import { startBackgroundTimers } from '../adapters/local-timers/background-timers.ts';
import { startCacheRefresher } from '../adapters/local-scheduler/local-cache-refresher.ts';
import { startPendingRunner } from '../adapters/local-scheduler/local-pending-runner.ts';
import type { DnsCutover } from '../modules/domain-moves/ports.ts';

export interface LocalRuntime {
  url: string;
  port: number;
  /** Present while no admin exists: the one-time setup link. */
  setupUrl: string | undefined;
  sandboxUrl: string | undefined;
  /** `host:port` of the loopback DNS server that publishes the sandbox's records (sandbox mode only). */
  sandboxDns: string | undefined;
  /** The built-in PurelyMail sandbox, when no token is set (tests drive its DNS and read its request log). */
  sandbox: Sandbox | undefined;
  deps: ReturnType<typeof composeLocal>['deps'];
  /** The domain moves' recurring schedules (tests look at them and tick them). */
  recurringScheduler: ReturnType<typeof composeLocal>['recurringScheduler'];
  /** The migration engine's local parts (queue, child-process runner, stores), for tests and `close`. */
  migrations: LocalMigrations;
  /** The dynalite table everything is stored in (benchmarks read it directly). */
  table: Table;
  /** Settles when the start-up sweep of overdue pending actions is over. */
  pendingSwept: Promise<void>;
  close(): Promise<void>;
}

export interface StartLocalOptions {
  logger: Logger;
  clock?: Clock;
  migratorEnv?: Record<string, string>;
  /** The DNS cutover a domain move uses (19b's module once merged; tests pass a fake). */
  dnsCutover?: DnsCutover;
  /** 'memory' keeps dynalite's data in memory (benchmarks, to time our code and not LevelDB's disk); default on disk in DATA_DIR. */
  dynamoStorage?: 'disk' | 'memory';
}

/**
 * Starts everything `npm start` runs, in this process: dynalite (on disk unless told otherwise) on a Unix socket
 * in DATA_DIR, the PurelyMail sandbox when no token is set, and the Hono app serving the SPA and /api. The only
 * TCP ports are the app's and, in sandbox mode, the sandbox's (its API and its DNS server). DATA_DIR is made
 * private (0700/0600) first. Used by `npm start` and by the HTTP and browser tests.
 */
export async function startLocal(config: LocalConfig, opts: StartLocalOptions): Promise<LocalRuntime> {
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch(() => {});
  };
  try {
    makeDataDirPrivate(config.DATA_DIR);
    const dynamo = await startLocalDynamo({
      path: opts.dynamoStorage === 'memory' ? undefined : join(config.DATA_DIR, 'dynamodb'),
      tableName: config.TABLE_NAME,
      socketPath: dynamoSocketPath(config.DATA_DIR),
      logger: opts.logger,
    });
    closers.push(dynamo.close);

    let purelymail: { baseUrl: string; token: string };
    let sandboxUrl: string | undefined;
    let sandboxHandle: Sandbox | undefined;
    let sandboxDns: string | undefined;
    let dnsServers: readonly string[] = config.DNS_SERVERS;
    if (config.PURELYMAIL_API_TOKEN) {
      purelymail = { baseUrl: config.PURELYMAIL_BASE_URL, token: config.PURELYMAIL_API_TOKEN };
    } else {
      const token = `sandbox-${randomBytes(16).toString('hex')}`;
      const sandbox = await startSandbox({ port: config.SANDBOX_PORT, token, statePath: join(config.DATA_DIR, 'sandbox-state.json'), seed: true });
      closers.push(() => sandbox.close());
      purelymail = { baseUrl: sandbox.url, token };
      sandboxUrl = sandbox.url;
      sandboxHandle = sandbox;
      // Our own DNS lookups ask a real DNS server that publishes what the sandbox believes is in DNS,
      // so "what PurelyMail sees" and "what is published" agree, and the demo can break a record.
      if (!dnsServers.length) {
        const dns = await startDnsServer({ records: () => sandbox.dns.list() });
        closers.push(() => dns.close());
        dnsServers = [dns.server];
        sandboxDns = dns.server;
      }
    }

    // Listen first (PORT may be 0), then compose: allowed origins depend on the real port.
    // The node server's env (the socket) must reach the app: the client IP comes from it.
    const target: { fetch?: (req: Request, env: unknown) => Response | Promise<Response> } = {};
    const server: ServerType = await new Promise((resolve) => {
      const s = serve({ fetch: (req, env) => target.fetch!(req, env), hostname: config.HOST, port: config.PORT }, () => resolve(s));
    });
    closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const port = (server.address() as AddressInfo).port;
    // Everything the app does, over local adapters; the migration engine's queue, worker runner and watchdog are
    // closed before the store goes away.
    const { deps, localScheduler, recurringScheduler, background, migrations } = composeLocal({
      config,
      table: dynamo.table,
      dynamoSocket: dynamo.socketPath,
      purelymail,
      sandbox: !config.PURELYMAIL_API_TOKEN,
      port,
      logger: opts.logger,
      clock: opts.clock,
      dnsServers,
      workerEnv: opts.migratorEnv,
      dnsCutover: opts.dnsCutover,
    });
    closers.push(() => migrations.close());
    // Domain moves' recurring schedules: re-armed from the moves in progress, then fired by the app's clock.
    for (const s of await deps.domainMoves.schedules()) await recurringScheduler.put(s.name, { everyMinutes: s.everyMinutes, event: { kind: 'domain-move', domain: s.domain } });
    // Jobs kept in sync until a date: the same, from their active schedules (one past its date ends at its next view or firing).
    for (const s of await deps.jobSync.schedules()) await recurringScheduler.put(s.name, { everyMinutes: s.everyMinutes, until: s.until, event: { kind: 'job-sync', jobId: s.jobId } });
    recurringScheduler.start(async (event) => (event.kind === 'domain-move' ? background.domainMoveTick(event.domain) : event.kind === 'job-sync' ? background.jobSyncTick(event.jobId) : undefined));
    closers.push(() => recurringScheduler.stop());
    // Pending deletions run in this process: timers re-armed from the store, overdue ones swept now and every minute.
    const pendingRunner = startPendingRunner({ scheduler: localScheduler, pendingActions: deps.pendingActions, logger: opts.logger });
    // The periodic refresh also checks credit against the thresholds (one email per crossing).
    const cacheRefresher = startCacheRefresher({
      refresh: async () => {
        const snapshot = await background.refreshCache();
        if (snapshot.credit) await background.checkCredit(snapshot.credit.credit);
      },
      logger: opts.logger,
    });
    // The recurring schedules of AWS on in-process timers: DNS tier runs and the notification outbox.
    const timers = startBackgroundTimers({ ...background, runDnsTier: () => background.runDnsTier(), logger: opts.logger, dnsEveryMs: config.DNS_TIER_INTERVAL_MINUTES * 60_000 });
    closers.push(async () => {
      cacheRefresher.stop();
      await timers.stop();
      pendingRunner.stop();
      await pendingRunner.ready;
    });
    const app = withSpa(createApp(deps), config.WEB_BUILD_DIR);
    target.fetch = (req, env) => app.fetch(req, env as object);

    const host = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
    const url = `http://${host}:${port}`;
    const setupToken = await deps.auth.issueSetupToken();
    return {
      url,
      port,
      setupUrl: setupToken ? `${url}/setup#token=${setupToken}` : undefined,
      sandboxUrl,
      sandboxDns,
      sandbox: sandboxHandle,
      deps,
      recurringScheduler,
      migrations,
      table: dynamo.table,
      pendingSwept: pendingRunner.ready,
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
