import type { ImapsyncRunner } from '@app/functions/worker';
import { runImapsync } from './run-imapsync.ts';

/**
 * The worker's ImapsyncRunner port (@app/functions/worker): imapsync from `command`, its passfiles, pidfile and
 * tmpdir in the run's private `workDir`, stopped gracefully (abort file, SIGTERM, SIGKILL `graceMs` apart).
 */
export function createImapsyncRunner(opts: { command: string; workDir: string; env: Record<string, string>; graceMs: number; progressIntervalMs?: number }): ImapsyncRunner {
  return {
    run: (request) => runImapsync({ ...request, command: opts.command, workDir: opts.workDir, env: opts.env, graceMs: opts.graceMs, progressIntervalMs: opts.progressIntervalMs ?? 2000 }),
  };
}
