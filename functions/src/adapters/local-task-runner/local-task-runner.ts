import { spawn, type ChildProcess } from 'node:child_process';
import type { TaskRunner } from '../../modules/migrations/ports.ts';
import type { Logger } from '../../platform/logger.ts';

export interface LocalTaskRunner extends TaskRunner {
  /** Workers alive now (tests assert on it). */
  running(): string[];
  close(): Promise<void>;
}

// Like runImapsync: the worker gets what Node needs plus its own configuration, not our whole environment.
const INHERITED = ['PATH', 'HOME', 'NODE_OPTIONS', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'PERL5LIB'];

/**
 * Runs each migration in a child process with the same entry point as the Fargate container
 * (`node migrator-container/dist/main.mjs`, the built bundle), RUN_ID in its environment. When a child exits,
 * `onExit` tells the engine (it releases the slot and marks the run interrupted if it never reported).
 * The stand-in's IMAPSYNC_STANDIN_* variables pass through for tests.
 */
export function createLocalTaskRunner(opts: {
  entry: string;
  cwd: string;
  env: Record<string, string>;
  logger: Logger;
  onExit: (runId: string, exit: { code: number | null; signal: string | null }) => void;
  /** SIGTERM, then SIGKILL after this long (the worker itself stops imapsync gracefully on SIGTERM). */
  killGraceMs?: number;
}): LocalTaskRunner {
  const children = new Map<string, ChildProcess>();
  const exited = new Map<string, Promise<void>>();
  const childEnv = (runId: string): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = {};
    for (const k of INHERITED) if (process.env[k] !== undefined) env[k] = process.env[k];
    for (const [k, v] of Object.entries(process.env)) if (k.startsWith('IMAPSYNC_STANDIN_')) env[k] = v;
    return { ...env, ...opts.env, RUN_ID: runId };
  };
  const kill = (child: ChildProcess) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const t = setTimeout(() => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'), opts.killGraceMs ?? 30_000);
    child.once('exit', () => clearTimeout(t));
  };
  return {
    async start(runId) {
      const existing = children.get(runId);
      if (existing) return { taskRef: `local:${runId}:${existing.pid}` };
      // The built bundle starts in ~0.1 s; a TypeScript entry needs tsx and ~1 s of compiling per run.
      const args = opts.entry.endsWith('.ts') ? ['--import', 'tsx', opts.entry] : [opts.entry];
      const child = spawn(process.execPath, args, { cwd: opts.cwd, env: childEnv(runId), stdio: ['ignore', 'pipe', 'pipe'] });
      if (child.pid === undefined) {
        await new Promise((resolve) => child.once('error', resolve));
        throw new Error(`The local worker could not be started (${opts.entry}).`);
      }
      children.set(runId, child);
      // The worker's own structured logs (never imapsync output, which goes to the run's log file).
      const forward = (chunk: Buffer) => {
        for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) opts.logger.debug('migrator', { runId, line: line.slice(0, 2000) });
      };
      child.stdout!.on('data', forward);
      child.stderr!.on('data', forward);
      exited.set(
        runId,
        new Promise<void>((resolve) =>
          child.once('close', (code, signal) => {
            children.delete(runId);
            exited.delete(runId);
            opts.onExit(runId, { code, signal });
            resolve();
          }),
        ),
      );
      return { taskRef: `local:${runId}:${child.pid}` };
    },
    async stop(taskRef) {
      const runId = taskRef.split(':')[1] ?? '';
      const child = children.get(runId);
      if (child) kill(child);
    },
    async listRunning() {
      return [...children.entries()].map(([runId, child]) => ({ runId, taskRef: `local:${runId}:${child.pid}` }));
    },
    running: () => [...children.keys()],
    async close() {
      for (const child of children.values()) kill(child);
      await Promise.all(exited.values());
    },
  };
}
