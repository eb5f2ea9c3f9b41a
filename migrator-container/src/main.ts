// The migration worker: one process per run (a Fargate task on AWS, a child process locally).
// Reads RUN_ID, runs the run to its end, exits. SIGTERM (StopTask, Spot, local cancel) stops imapsync gracefully.
import { join, resolve } from 'node:path';
import * as z from 'zod';
import { createTable } from '@app/functions/adapters/dynamodb/table';
import { socketClientConfig } from '@app/functions/adapters/dynamodb/local-socket';
import { createLocalSecretOpener } from '@app/functions/adapters/local-secret-box/local-secret-box';
import { resolveImapTarget } from '@app/functions/adapters/imap/ssrf-guard';
import { buildMigrationStores } from '@app/functions/platform/composition/build-migrations';
import { makeFinishRun } from '@app/functions/modules/migrations/finish-run';
import { systemClock } from '@app/functions/platform/clock';
import { parseConfig } from '@app/functions/platform/config';
import { createJsonLogger } from '@app/functions/platform/logger';
import { createFileLogSink, createStdoutLogSink } from './adapters/file-log-sink.ts';
import { runImapsync } from './imapsync/run-imapsync.ts';
import { makeRunMigration } from './run-migration.ts';
import { workerImapPolicy } from './imap-target-policy.ts';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const ports = z
  .string()
  .regex(/^\d{1,5}(,\d{1,5})*$/, 'must list port numbers, comma-separated')
  .transform((s) => s.split(',').map(Number))
  .pipe(z.array(z.number().int().min(1).max(65535)));

/** The worker's environment: the run id only travels here; secrets are loaded from the store and opened here. */
const WorkerConfig = z.object({
  RUN_ID: z.string().regex(/^run_[0-9a-z]{8,40}(-a\d{1,2})?$/),
  TABLE_NAME: z.string().min(3),
  /** dynalite's Unix socket locally (the panel's database is on no TCP port); unset on AWS. */
  DYNAMODB_SOCKET: z.string().min(1).optional(),
  /** Local opener (the master key file) or KMS (the task role may Decrypt under the migration context). */
  MASTER_KEY_FILE: z.string().min(1).optional(),
  MIGRATION_KMS_KEY_ID: z.string().min(1).optional(),
  IMAPSYNC_COMMAND: z.string().min(1).default('imapsync'),
  /** Full log as a file here (locally); stdout otherwise (CloudWatch on AWS). */
  LOG_DIR: z.string().min(1).optional(),
  /** Passfiles, pidfile and imapsync's tmpdir (a tmpfs on Fargate). */
  WORK_DIR: z.string().min(1).default('/tmp/migrator'),
  ALLOW_PRIVATE_IMAP_HOSTS: bool.default(false),
  /** IMAP ports besides 143 and 993 that the deployment opens (the tasks' security group on AWS). */
  MIGRATION_EXTRA_IMAP_PORTS: ports.optional(),
  MIGRATION_HEARTBEAT_SECONDS: z.coerce.number().min(0.1).max(300).default(15),
  STOP_GRACE_SECONDS: z.coerce.number().min(0.1).max(100).default(20),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
});

async function loadKmsOpener(keyId: string) {
  const [{ KMSClient }, { createKmsSecretOpener }] = await Promise.all([import('@aws-sdk/client-kms'), import('@app/functions/adapters/kms/kms-secret-opener')]);
  return createKmsSecretOpener(new KMSClient({}), keyId);
}

async function main(): Promise<number> {
  const config = parseConfig(WorkerConfig, process.env);
  // Worker diagnostics go to stderr so stdout stays the pure imapsync log.
  const logger = createJsonLogger({ level: config.LOG_LEVEL, write: (l) => process.stderr.write(`${l}\n`), base: { runId: config.RUN_ID } });
  // On ECS the SDK takes its credentials from the container credentials endpoint; locally, dynalite's socket.
  const table = createTable(config.TABLE_NAME, config.DYNAMODB_SOCKET ? socketClientConfig(config.DYNAMODB_SOCKET) : {}, logger);
  // The KMS SDK is loaded only where it is used (AWS): every run pays for what its start-up evaluates.
  const opener = config.MASTER_KEY_FILE
    ? createLocalSecretOpener(config.MASTER_KEY_FILE)
    : config.MIGRATION_KMS_KEY_ID
      ? await loadKmsOpener(config.MIGRATION_KMS_KEY_ID)
      : undefined;
  if (!opener) throw new Error('Set MASTER_KEY_FILE (local) or MIGRATION_KMS_KEY_ID (AWS): the worker cannot open credentials.');
  const stores = buildMigrationStores(table);
  const log = config.LOG_DIR ? createFileLogSink(join(resolve(config.LOG_DIR), `${config.RUN_ID}.log`)) : createStdoutLogSink();
  const policy = workerImapPolicy(config, process.env);
  // Test-only: the stand-in's knobs pass through to the child (never set in production images).
  const imapsyncEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('IMAPSYNC_STANDIN_'))) as Record<string, string>;

  const terminate = new AbortController();
  process.once('SIGTERM', () => terminate.abort());
  process.once('SIGINT', () => terminate.abort());
  const runMigration = makeRunMigration({
    ...stores,
    opener,
    finishRun: makeFinishRun({ ...stores, clock: systemClock }),
    resolveTarget: (host, port) => resolveImapTarget(host, port, policy),
    runImapsync,
    imapsyncCommand: config.IMAPSYNC_COMMAND,
    imapsyncEnv,
    workDir: join(resolve(config.WORK_DIR), config.RUN_ID),
    log,
    logger,
    now: () => new Date(),
    heartbeatMs: config.MIGRATION_HEARTBEAT_SECONDS * 1000,
    graceMs: config.STOP_GRACE_SECONDS * 1000,
  });
  try {
    const { run, progressWrites } = await runMigration(config.RUN_ID, terminate.signal);
    // The worker's own CPU for the whole run, start-up included (imapsync is a child: not counted here).
    const cpu = process.cpuUsage();
    logger.info('run finished', { state: run?.state, exitClass: run?.outcome?.exitClass, progressWrites, workerCpuMs: Math.round((cpu.user + cpu.system) / 1000) });
    return 0;
  } finally {
    log.close();
    table.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${JSON.stringify({ level: 'error', message: 'worker failed', error: err instanceof Error ? { name: err.name, message: err.message } : String(err) })}\n`);
    process.exit(1);
  },
);
