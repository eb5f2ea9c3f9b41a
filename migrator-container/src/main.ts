// The migration worker: one process per run (a Fargate task on AWS, a child process locally).
// Reads RUN_ID, runs the run to its end, exits. SIGTERM (StopTask, Spot, local cancel) stops imapsync gracefully.
import { join, resolve } from 'node:path';
import { composeWorker, createJsonLogger, parseConfig, WorkerConfig } from '@app/functions/worker';
import { createFileLogSink, createStdoutLogSink } from './adapters/file-log-sink.ts';
import { standInPinnedHosts, workerImapPolicy } from './imap-target-policy.ts';
import { createImapsyncRunner } from './imapsync/imapsync-runner.ts';

async function main(): Promise<number> {
  const config = parseConfig(WorkerConfig, process.env);
  // Worker diagnostics go to stderr so stdout stays the pure imapsync log.
  const logger = createJsonLogger({ level: config.LOG_LEVEL, write: (l) => process.stderr.write(`${l}\n`), base: { runId: config.RUN_ID } });
  const log = config.LOG_DIR ? createFileLogSink(join(resolve(config.LOG_DIR), `${config.RUN_ID}.log`)) : createStdoutLogSink();
  // Test-only: the stand-in's knobs pass through to the child (never set in production images).
  const imapsyncEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('IMAPSYNC_STANDIN_'))) as Record<string, string>;
  const worker = composeWorker({
    config,
    policy: workerImapPolicy(config, process.env),
    pinnedHosts: standInPinnedHosts(process.env),
    imapsync: createImapsyncRunner({ command: config.IMAPSYNC_COMMAND, workDir: join(resolve(config.WORK_DIR), config.RUN_ID), env: imapsyncEnv, graceMs: config.STOP_GRACE_SECONDS * 1000 }),
    log,
    logger,
  });

  const terminate = new AbortController();
  process.once('SIGTERM', () => terminate.abort());
  process.once('SIGINT', () => terminate.abort());
  try {
    const { run, progressWrites } = await worker.runMigration(config.RUN_ID, terminate.signal);
    // The worker's own CPU for the whole run, start-up included (imapsync is a child: not counted here).
    const cpu = process.cpuUsage();
    logger.info('run finished', { state: run?.state, exitClass: run?.outcome?.exitClass, progressWrites, workerCpuMs: Math.round((cpu.user + cpu.system) / 1000) });
    return 0;
  } finally {
    log.close();
    worker.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${JSON.stringify({ level: 'error', message: 'worker failed', error: err instanceof Error ? { name: err.name, message: err.message } : String(err) })}\n`);
    process.exit(1);
  },
);
