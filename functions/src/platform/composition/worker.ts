import { isIP } from 'node:net';
import { socketClientConfig } from '../../adapters/dynamodb/local-socket.ts';
import { createTable } from '../../adapters/dynamodb/table.ts';
import { resolveImapTarget, type ImapTargetPolicy } from '../../adapters/imap/ssrf-guard.ts';
import { kmsOpenerStartingNow } from '../../adapters/kms/kms-on-first-use.ts';
import { createLocalSecretOpener } from '../../adapters/local-secret-box/local-secret-box.ts';
import { emitNowhere } from '../../modules/events.ts';
import { makeFinishRun } from '../../modules/migrations/finish-run.ts';
import type { ImapsyncRunner, RunLogSink } from '../../modules/migrations/ports.ts';
import { makeRunHeartbeat } from '../../modules/migrations/run-heartbeat.ts';
import { makeRunMigration } from '../../modules/migrations/run-migration.ts';
import type { SecretOpener } from '../../modules/secrets/ports.ts';
import { systemClock } from '../clock.ts';
import type { WorkerConfig } from '../config/worker-config.ts';
import type { Logger } from '../logger.ts';
import { buildRunStores } from './migration-stores.ts';

/**
 * The migration worker (one process per run: a Fargate task, or a local child process): the run stores, the
 * secret opener (the master key file locally, KMS Decrypt on AWS), the address rule, and the worker's half of the
 * run (modules/migrations/run-migration.ts) around the container's imapsync runner. Its run ends tell no one in
 * this process: the dispatcher learns of them when the task stops (handleWorkerGone).
 */
export function composeWorker(opts: {
  config: WorkerConfig;
  policy: ImapTargetPolicy;
  imapsync: ImapsyncRunner;
  log: RunLogSink;
  logger: Logger;
  /** Host → address used without a DNS lookup (the built-in destination under the imapsync stand-in); the port rule still applies. */
  pinnedHosts?: ReadonlyMap<string, string>;
}) {
  const { config, logger } = opts;
  // The SDK: on ECS the credentials come from the container credentials endpoint; locally dynalite's socket.
  const table = createTable(config.TABLE_NAME, config.DYNAMODB_SOCKET ? socketClientConfig(config.DYNAMODB_SOCKET) : {}, logger);
  const opener: SecretOpener | undefined = config.MASTER_KEY_FILE
    ? createLocalSecretOpener(config.MASTER_KEY_FILE)
    : config.MIGRATION_KMS_KEY_ID
      ? kmsOpenerStartingNow(config.MIGRATION_KMS_KEY_ID)
      : undefined;
  if (!opener) throw new Error('Set MASTER_KEY_FILE (local) or MIGRATION_KMS_KEY_ID (AWS): the worker cannot open credentials.');
  const stores = buildRunStores(table);
  const clock = systemClock;
  const runMigration = makeRunMigration({
    ...stores,
    heartbeat: makeRunHeartbeat({ ...stores, clock }),
    opener,
    finishRun: makeFinishRun({ ...stores, clock, emit: emitNowhere }),
    resolveTarget: (host, port) => {
      const pinned = opts.pinnedHosts?.get(host.toLowerCase().replace(/\.$/, ''));
      if (!pinned) return resolveImapTarget(host, port, opts.policy);
      logger.info('server address not looked up: the imapsync stand-in connects nowhere', { host, address: pinned });
      return resolveImapTarget(host, port, { ...opts.policy, allowPrivate: true }, async () => [{ address: pinned, family: isIP(pinned) }]);
    },
    imapsync: opts.imapsync,
    log: opts.log,
    logger,
    clock,
    heartbeatMs: config.MIGRATION_HEARTBEAT_SECONDS * 1000,
  });
  return { runMigration, close: () => table.destroy() };
}
