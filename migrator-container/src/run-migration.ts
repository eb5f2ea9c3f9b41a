import type { RunOutcome } from '@app/shared';
import { exitClassInfo, type RunProgress } from '@app/shared/schemas/imapsync';
import type { FinishRun, TerminalState } from '@app/functions/modules/migrations/finish-run';
import type { JobStore, RunRecord, RunStore, ServerStore } from '@app/functions/modules/migrations/ports';
import { SEALED_KIND } from '@app/functions/modules/migrations/ports';
import { SecretOpenError, type SecretOpener } from '@app/functions/modules/secrets/ports';
import type { ResolvedTarget } from '@app/functions/adapters/imap/ssrf-guard';
import type { Logger } from '@app/functions/platform/logger';
import type { LogSink } from './adapters/file-log-sink.ts';
import { ProgressWriter } from './adapters/progress-writer.ts';
import type { ImapEndpoint } from './imapsync/imapsync-args.ts';
import type { RunImapsyncOptions, RunImapsyncResult } from './imapsync/run-imapsync.ts';

export interface RunMigrationDeps {
  runs: RunStore;
  jobs: JobStore;
  servers: ServerStore;
  opener: SecretOpener;
  finishRun: FinishRun;
  /**
   * The private-address rule, applied again here (a server profile may have been edited, DNS may have changed);
   * the address it returns is the one imapsync connects to.
   */
  resolveTarget: (host: string, port: number) => Promise<ResolvedTarget>;
  runImapsync: (opts: RunImapsyncOptions) => Promise<RunImapsyncResult>;
  imapsyncCommand: string;
  imapsyncEnv: Record<string, string>;
  workDir: string;
  log: LogSink;
  logger: Logger;
  now: () => Date;
  heartbeatMs: number;
  progressIntervalMs?: number;
  /** Grace between abort file, SIGTERM and SIGKILL when stopping imapsync. */
  graceMs?: number;
}

type StopReason = 'cancel' | 'sigterm' | 'lost';
const TAIL_ON_PROGRESS = 40;
const TAIL_AT_END = 200;
const clip = (lines: string[]) => lines.map((l) => (l.length > 500 ? `${l.slice(0, 500)}…` : l));

/**
 * Runs one migration run in this process (the worker), start to end.
 * 1. The run must be `starting` (else another worker has it, or it ended); one conditional write → running
 * 2. Load job and servers, open the two sealed passwords (bound to this job), resolve and check both hosts
 *    (every address); any failure ends the run as failed without starting imapsync (fail closed)
 * 3. Run imapsync: progress written at most every 2 s (only while still running), a heartbeat that also
 *    reads `cancelRequested`, SIGTERM → graceful stop
 * 4. One conditional write running → succeeded | failed | cancelled | interrupted, with the outcome and the
 *    last log lines; the slot and the job are released.
 */
export function makeRunMigration(deps: RunMigrationDeps) {
  return async (runId: string, terminate: AbortSignal): Promise<{ run: RunRecord | undefined; progressWrites: number }> => {
    const initial = await deps.runs.get(runId);
    if (!initial || initial.state !== 'starting') {
      deps.logger.warn('run is not waiting for a worker; nothing to do', { runId, state: initial?.state });
      return { run: initial, progressWrites: 0 };
    }
    if (initial.cancelRequested) return { run: await deps.finishRun(initial, 'cancelled', ['starting']), progressWrites: 0 };
    const run = await deps.runs.transition(runId, ['starting'], 'running', { heartbeatAt: deps.now().toISOString() });
    if (!run) return { run: await deps.runs.get(runId), progressWrites: 0 };
    const fail = async (reason: string) => ({ run: await deps.finishRun(run, 'failed', ['running'], { failureReason: reason }), progressWrites: 0 });

    const job = await deps.jobs.get(run.jobId);
    const [source, dest] = job ? await Promise.all([deps.servers.get(job.source.serverId), deps.servers.get(job.dest.serverId)]) : [];
    if (!job || !source || !dest) return fail('The job or one of its servers was deleted.');
    let passwords: { source: string; dest: string };
    try {
      // Both at once (two KMS calls on AWS): the time to imapsync's start is paid by every run.
      const [sourcePassword, destPassword] = await Promise.all([
        deps.opener.open(job.source.sealedPassword, { kind: SEALED_KIND.source, id: job.id }),
        deps.opener.open(job.dest.sealedPassword, { kind: SEALED_KIND.dest, id: job.id }),
      ]);
      passwords = { source: sourcePassword, dest: destPassword };
    } catch (err) {
      if (err instanceof SecretOpenError) return fail('The stored credentials could not be opened for this job; enter the passwords again.');
      throw err;
    }
    // imapsync gets the checked address, never the name: resolving again would open a DNS rebinding window.
    const address = { source: '', dest: '' };
    const targets = await Promise.all([deps.resolveTarget(source.host, source.port), deps.resolveTarget(dest.host, dest.port)]);
    for (const [side, target] of [['source', targets[0]], ['dest', targets[1]]] as const) {
      if (!target.ok) {
        const exitClass = target.reason === 'blocked' ? 'blocked_address' : side === 'source' ? 'connect_source' : 'connect_dest';
        deps.logger.warn('server address refused before imapsync', { runId, side, reason: target.reason });
        const outcome: RunOutcome = { exitClass, exitCode: null, signal: null, verdictOk: false, stats: null, errors: [], mostFrequentError: null };
        const failureReason = `${side === 'source' ? 'Source' : 'Destination'} server: ${target.message}`;
        return { run: await deps.finishRun(run, 'failed', ['running'], { outcome, failureReason }), progressWrites: 0 };
      }
      address[side] = target.address;
    }
    const endpoint = (s: typeof source, user: string, at: string): ImapEndpoint => ({ host: s.host, address: at, port: s.port, user, tls: s.tls, verifyCert: s.verifyCert });

    const stop = new AbortController();
    let stopReason: StopReason | null = null;
    const requestStop = (why: StopReason) => {
      stopReason ??= why;
      stop.abort();
    };
    const onTerminate = () => requestStop('sigterm');
    if (terminate.aborted) onTerminate();
    else terminate.addEventListener('abort', onTerminate, { once: true });

    const tail: string[] = [];
    // A write that finds the run no longer running (reconciler marked it interrupted) stops imapsync.
    const observe = (rec: RunRecord | undefined) => {
      if (!rec) requestStop('lost');
      else if (rec.cancelRequested) requestStop('cancel');
    };
    const progress = new ProgressWriter(async (p: RunProgress) => {
      observe(await deps.runs.patch(runId, ['running'], { progress: p, heartbeatAt: deps.now().toISOString(), logTail: clip(tail.slice(-TAIL_ON_PROGRESS)) }));
    });
    const heartbeat = setInterval(() => {
      void deps.runs.patch(runId, ['running'], { heartbeatAt: deps.now().toISOString() }).then(observe, (err: unknown) => deps.logger.warn('heartbeat failed', { runId, error: err }));
    }, deps.heartbeatMs);

    let result: RunImapsyncResult;
    try {
      result = await deps.runImapsync({
        command: deps.imapsyncCommand,
        source: endpoint(source, job.source.user, address.source),
        dest: endpoint(dest, job.dest.user, address.dest),
        passwords,
        workDir: deps.workDir,
        options: { dry: run.kind === 'dry', includeFolders: job.options.includeFolders, excludeFolders: job.options.excludeFolders, ...(job.options.maxSizeBytes ? { maxSizeBytes: job.options.maxSizeBytes } : {}) },
        env: deps.imapsyncEnv,
        onLine: (line) => {
          deps.log.line(line);
          tail.push(line);
          if (tail.length > TAIL_AT_END * 2) tail.splice(0, tail.length - TAIL_AT_END);
        },
        onProgress: (p) => progress.push(p),
        progressIntervalMs: deps.progressIntervalMs ?? 2000,
        signal: stop.signal,
        graceMs: deps.graceMs,
      });
    } catch (err) {
      clearInterval(heartbeat);
      await progress.flush();
      deps.logger.error('imapsync could not run', { runId, error: err });
      return { run: await deps.finishRun(run, 'failed', ['running'], { failureReason: `imapsync could not be started: ${(err as Error).message}` }), progressWrites: progress.writes };
    } finally {
      terminate.removeEventListener('abort', onTerminate);
    }
    clearInterval(heartbeat);
    await progress.flush();

    // A cancel may have been asked while a SIGTERM stopped us: the record decides.
    const latest = await deps.runs.get(runId);
    const cancelled = stopReason === 'cancel' || latest?.cancelRequested === true;
    let to: TerminalState;
    if (result.exitClass === 'succeeded') to = 'succeeded';
    else if (cancelled && (stopReason !== null || result.exitClass === 'cancelled')) to = 'cancelled';
    else if (stopReason === 'sigterm' || stopReason === 'lost' || result.exitClass === 'interrupted' || result.exitClass === 'cancelled') to = 'interrupted';
    else to = 'failed';
    // The job's own servers by name: a destination login failure is not always PurelyMail's.
    const info = exitClassInfo(result.exitClass, { source: `${source.name} (${source.host})`, dest: `${dest.name} (${dest.host})` });
    const outcome: RunOutcome = {
      exitClass: result.exitClass,
      exitCode: result.exitCode,
      signal: result.signal,
      verdictOk: result.verdictOk,
      stats: result.stats,
      errors: result.errors.slice(-50),
      mostFrequentError: result.mostFrequentError,
    };
    const failureReason = to === 'failed' ? `${info.title}: ${info.cause} ${info.fix}` : to === 'interrupted' ? 'The worker was stopped before imapsync finished.' : null;
    const ended = await deps.finishRun(run, to, ['running'], { outcome, failureReason, logTail: clip(result.logTail.slice(-TAIL_AT_END)) });
    return { run: ended ?? (await deps.runs.get(runId)), progressWrites: progress.writes };
  };
}
