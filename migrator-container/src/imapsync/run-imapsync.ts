import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunProgress, RunResult } from '@app/shared/schemas/imapsync';
import { buildImapsyncArgs, checkPassword, type ImapEndpoint, type ImapsyncRunOptions } from './imapsync-args.ts';
import { ImapsyncParser, MAX_LINE } from './imapsync-parser.ts';
import { ImapsyncSpawnError } from './imapsync-spawn-error.ts';
import { LineSplitter } from './line-splitter.ts';

export type RunImapsyncOptions = {
  /** Executable; default 'imapsync' from PATH. */
  command?: string;
  source: ImapEndpoint;
  dest: ImapEndpoint;
  passwords: { source: string; dest: string };
  /** Private directory (created 0700) for the passfiles, the pidfile and imapsync's tmpdir. */
  workDir: string;
  options: ImapsyncRunOptions;
  /** Extra environment for the child. */
  env?: Record<string, string>;
  onLine?: (line: string) => void;
  onProgress?: (progress: RunProgress) => void;
  progressIntervalMs?: number;
  /** Cancel: abort file first, SIGTERM after graceMs, SIGKILL after another graceMs. */
  signal?: AbortSignal;
  graceMs?: number;
  /** How many of the last output lines to return (default 200). */
  logTailLines?: number;
};

export type RunImapsyncResult = RunResult & { logTail: string[] };

// Only what Perl needs: the worker's own environment may hold credentials of its own.
const INHERITED_ENV = ['PATH', 'HOME', 'PERL5LIB', 'PERL_LOCAL_LIB_ROOT', 'SSL_CERT_FILE', 'SSL_CERT_DIR'];

function childEnv(extra: Record<string, string> | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const k of INHERITED_ENV) if (process.env[k] !== undefined) env[k] = process.env[k];
  Object.assign(env, extra);
  // imapsync would read a password from these; we only ever use passfiles.
  delete env.IMAPSYNC_PASSWORD1;
  delete env.IMAPSYNC_PASSWORD2;
  env.LC_ALL = 'C';
  env.TZ = 'UTC';
  return env;
}

function writeSecret(path: string, password: string): void {
  rmSync(path, { force: true });
  // imapsync reads the first line and strips the newline: the password arrives byte-exact.
  writeFileSync(path, `${password}\n`, { encoding: 'utf8', mode: 0o600, flag: 'wx' });
}

/**
 * Runs one imapsync process and resolves with its classified result once it has exited and its output has
 * been read. Rejects with ImapsyncArgumentError before spawning if an argument is unsafe, and with
 * ImapsyncSpawnError if the command cannot be started. Passfiles are removed on every path.
 */
export async function runImapsync(opts: RunImapsyncOptions): Promise<RunImapsyncResult> {
  const command = opts.command ?? 'imapsync';
  const workDir = opts.workDir;
  const passfile1 = join(workDir, 'source.pass');
  const passfile2 = join(workDir, 'dest.pass');
  const pidfile = join(workDir, 'imapsync.pid');
  const tmpdir = join(workDir, 'tmp');
  checkPassword('passwords.source', opts.passwords.source);
  checkPassword('passwords.dest', opts.passwords.dest);
  const args = buildImapsyncArgs({ source: opts.source, dest: opts.dest, passfile1, passfile2, pidfile, tmpdir, options: opts.options });

  const graceMs = opts.graceMs ?? 20_000;
  const intervalMs = opts.progressIntervalMs ?? 2000;
  const tailMax = opts.logTailLines ?? 200;
  const parser = new ImapsyncParser();
  const logTail: string[] = [];
  let lastProgressAt = 0;
  let stopRequested = false;
  let exited = false;
  let abortFile: string | null = null;
  let callbackError: unknown = null;
  const timers: NodeJS.Timeout[] = [];

  mkdirSync(workDir, { recursive: true, mode: 0o700 });
  chmodSync(workDir, 0o700);
  try {
    mkdirSync(tmpdir, { recursive: true, mode: 0o700 });
    writeSecret(passfile1, opts.passwords.source);
    writeSecret(passfile2, opts.passwords.dest);

    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv(opts.env), cwd: workDir });

    const stop = (): void => {
      if (stopRequested || exited) return;
      stopRequested = true;
      if (child.pid !== undefined) {
        // imapsync checks "<pidfile>abort<PID>" before each folder and message, then exits 7 with Statistics.
        abortFile = `${pidfile}abort${child.pid}`;
        try {
          writeFileSync(abortFile, '', { mode: 0o600 });
        } catch {
          // The SIGTERM below still stops it.
        }
      }
      timers.push(
        setTimeout(() => {
          if (exited) return;
          child.kill('SIGTERM');
          timers.push(setTimeout(() => exited || child.kill('SIGKILL'), graceMs));
        }, graceMs),
      );
    };

    const onLine = (line: string): void => {
      parser.push(line);
      if (logTail.length >= tailMax) logTail.shift();
      logTail.push(line);
      try {
        opts.onLine?.(line);
        if (opts.onProgress) {
          const now = Date.now();
          if (now - lastProgressAt >= intervalMs) {
            lastProgressAt = now;
            opts.onProgress(parser.progress());
          }
        }
      } catch (err) {
        // A throwing callback must not leave imapsync running unobserved: stop it, rethrow at the end.
        callbackError ??= err;
        stop();
      }
    };
    const out = new LineSplitter(onLine, MAX_LINE);
    const err = new LineSplitter(onLine, MAX_LINE);
    child.stdout.on('data', (c: Buffer) => out.write(c));
    child.stderr.on('data', (c: Buffer) => err.write(c));

    const exit = await new Promise<{ code: number | null; signal: string | null }>((resolve, reject) => {
      child.once('error', (e) => {
        if (child.pid === undefined) reject(new ImapsyncSpawnError(command, { cause: e }));
      });
      child.once('close', (code, signal) => resolve({ code, signal }));
      if (opts.signal) {
        if (opts.signal.aborted) stop();
        else opts.signal.addEventListener('abort', stop, { once: true });
      }
    }).finally(() => {
      exited = true;
      opts.signal?.removeEventListener('abort', stop);
    });
    out.end();
    err.end();

    if (callbackError !== null) throw callbackError;
    opts.onProgress?.(parser.progress());
    return { ...parser.finish(exit, { stopRequested }), logTail };
  } finally {
    for (const t of timers) clearTimeout(t);
    rmSync(passfile1, { force: true });
    rmSync(passfile2, { force: true });
    if (abortFile !== null) rmSync(abortFile, { force: true });
    // The child is gone: a pidfile left by SIGKILL is stale.
    rmSync(pidfile, { force: true });
    rmSync(tmpdir, { recursive: true, force: true });
  }
}
