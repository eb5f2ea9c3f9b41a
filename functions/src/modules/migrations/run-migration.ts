import type { EndingRunEvent, RunOutcome } from '@app/shared';
import { exitClassInfo, type RunProgress } from '@app/shared/schemas/imapsync';
import type { ResolvedTarget } from '../../adapters/imap/ssrf-guard.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import { SecretOpenError, type SecretOpener } from '../secrets/ports.ts';
import type { FinishRun } from './finish-run.ts';
import { SEALED_KIND, type ImapsyncEndpoint, type ImapsyncResult, type ImapsyncRunner, type JobStore, type RunLogSink, type RunRecord, type RunStore, type ServerStore } from './ports.ts';
import { ProgressWriter } from './progress-writer.ts';
import type { RunHeartbeat } from './run-heartbeat.ts';

export interface RunMigrationDeps {
  runs: RunStore;
  jobs: JobStore;
  servers: ServerStore;
  heartbeat: RunHeartbeat;
  opener: SecretOpener;
  finishRun: FinishRun;
  /**
   * The private-address rule, applied again here (a server profile may have been edited, DNS may have changed);
   * the address it returns is the one imapsync connects to.
   */
  resolveTarget: (host: string, port: number) => Promise<ResolvedTarget>;
  imapsync: ImapsyncRunner;
  log: RunLogSink;
  logger: Logger;
  clock: Clock;
  heartbeatMs: number;
}

type StopReason = 'cancel' | 'sigterm' | 'lost';
const TAIL_ON_PROGRESS = 40;
const TAIL_AT_END = 200;
const clip = (lines: string[]) => lines.map((l) => (l.length > 500 ? `${l.slice(0, 500)}…` : l));

/**
 * The worker's half of a run (one worker process per run: a Fargate task, or a local child process), start to end.
 * 1. The run must be `starting` (else another worker has it, or it ended); its lease renewed, one conditional
 *    write → running (workerStarted). The job and its servers are read meanwhile: every run waits for this.
 * 2. Open the two sealed passwords (bound to this job) and resolve and check both hosts (every address), both at
 *    once; any failure ends the run as failed without starting imapsync (fail closed)
 * 3. Run imapsync: progress written at most every 2 s (only while still running), a heartbeat that renews the
 *    mailbox lease and reads `cancelRequested`, SIGTERM → graceful stop
 * 4. One conditional write running → succeeded | failed | cancelled | interrupted, with the outcome and the
 *    last log lines; the slot, the lease and the job are released (finishRun).
 */
export function makeRunMigration(deps: RunMigrationDeps) {
  const nowIso = () => deps.clock.now().toISOString();
  return async (runId: string, terminate: AbortSignal): Promise<{ run: RunRecord | undefined; progressWrites: number }> => {
    const initial = await deps.runs.get(runId);
    if (!initial || initial.state !== 'starting') {
      deps.logger.warn('run is not waiting for a worker; nothing to do', { runId, state: initial?.state });
      return { run: initial, progressWrites: 0 };
    }
    if (initial.cancelRequested) return { run: await deps.finishRun(initial, 'cancelSeenAtStart'), progressWrites: 0 };
    const [run, job] = await Promise.all([deps.heartbeat.start(initial), deps.jobs.get(initial.jobId)]);
    if (!run) return { run: await deps.runs.get(runId), progressWrites: 0 };
    const end = async (event: EndingRunEvent, patch: Parameters<FinishRun>[2]) => ({ run: await deps.finishRun(run, event, patch), progressWrites: 0 });

    const [source, dest] = job ? await Promise.all([deps.servers.get(job.source.serverId), deps.servers.get(job.dest.serverId)]) : [];
    if (!job || !source || !dest) return end('failed', { failureReason: 'The job or one of its servers was deleted.' });
    // Both passwords (two KMS calls on AWS) and both addresses at once: the time to imapsync's start is paid by every run.
    const [opened, targets] = await Promise.all([
      Promise.all([
        deps.opener.open(job.source.sealedPassword, { kind: SEALED_KIND.source, id: job.id }),
        deps.opener.open(job.dest.sealedPassword, { kind: SEALED_KIND.dest, id: job.id }),
      ]).then(
        ([sourcePassword, destPassword]) => ({ ok: true as const, passwords: { source: sourcePassword, dest: destPassword } }),
        (err: unknown) => ({ ok: false as const, err }),
      ),
      Promise.all([deps.resolveTarget(source.host, source.port), deps.resolveTarget(dest.host, dest.port)]),
    ]);
    if (!opened.ok) {
      if (opened.err instanceof SecretOpenError) return end('failed', { failureReason: 'The stored credentials could not be opened for this job; enter the passwords again.' });
      throw opened.err;
    }
    // imapsync gets the checked address, never the name: resolving again would open a DNS rebinding window.
    const address = { source: '', dest: '' };
    for (const [side, target] of [['source', targets[0]], ['dest', targets[1]]] as const) {
      if (!target.ok) {
        const exitClass = target.reason === 'blocked' ? 'blocked_address' : side === 'source' ? 'connect_source' : 'connect_dest';
        deps.logger.warn('server address refused before imapsync', { runId, side, reason: target.reason });
        const outcome: RunOutcome = { exitClass, exitCode: null, signal: null, verdictOk: false, stats: null, errors: [], mostFrequentError: null };
        return end('failed', { outcome, failureReason: `${side === 'source' ? 'Source' : 'Destination'} server: ${target.message}` });
      }
      address[side] = target.address;
    }
    const endpoint = (s: typeof source, user: string, at: string): ImapsyncEndpoint => ({ host: s.host, address: at, port: s.port, user, tls: s.tls, verifyCert: s.verifyCert });

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
    // A write that finds the run no longer running (reconciler marked it interrupted, the lease went elsewhere) stops imapsync.
    const observe = (rec: RunRecord | undefined) => {
      if (!rec) requestStop('lost');
      else if (rec.cancelRequested) requestStop('cancel');
    };
    const progress = new ProgressWriter(async (p: RunProgress) => {
      observe(await deps.runs.patch(runId, ['running'], { progress: p, heartbeatAt: nowIso(), logTail: clip(tail.slice(-TAIL_ON_PROGRESS)) }));
    });
    const heartbeat = setInterval(() => {
      void deps.heartbeat.beat(runId).then(observe, (err: unknown) => deps.logger.warn('heartbeat failed', { runId, error: err }));
    }, deps.heartbeatMs);

    let result: ImapsyncResult;
    try {
      result = await deps.imapsync.run({
        source: endpoint(source, job.source.user, address.source),
        dest: endpoint(dest, job.dest.user, address.dest),
        passwords: opened.passwords,
        options: { dry: run.kind === 'dry', includeFolders: job.options.includeFolders, excludeFolders: job.options.excludeFolders, ...(job.options.maxSizeBytes ? { maxSizeBytes: job.options.maxSizeBytes } : {}) },
        onLine: (line) => {
          deps.log.line(line);
          tail.push(line);
          if (tail.length > TAIL_AT_END * 2) tail.splice(0, tail.length - TAIL_AT_END);
        },
        onProgress: (p) => progress.push(p),
        signal: stop.signal,
      });
    } catch (err) {
      clearInterval(heartbeat);
      await progress.flush();
      deps.logger.error('imapsync could not run', { runId, error: err });
      return { run: await deps.finishRun(run, 'failed', { failureReason: `imapsync could not be started: ${(err as Error).message}` }), progressWrites: progress.writes };
    } finally {
      terminate.removeEventListener('abort', onTerminate);
    }
    clearInterval(heartbeat);
    await progress.flush();

    // A cancel may have been asked while a SIGTERM stopped us: the record decides.
    const latest = await deps.runs.get(runId);
    const cancelled = stopReason === 'cancel' || latest?.cancelRequested === true;
    let event: 'succeeded' | 'stoppedForCancel' | 'interrupted' | 'failed';
    if (result.exitClass === 'succeeded') event = 'succeeded';
    else if (cancelled && (stopReason !== null || result.exitClass === 'cancelled')) event = 'stoppedForCancel';
    else if (stopReason === 'sigterm' || stopReason === 'lost' || result.exitClass === 'interrupted' || result.exitClass === 'cancelled') event = 'interrupted';
    else event = 'failed';
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
    const failureReason = event === 'failed' ? `${info.title}: ${info.cause} ${info.fix}` : event === 'interrupted' ? 'The worker was stopped before imapsync finished.' : null;
    const ended = await deps.finishRun(run, event, { outcome, failureReason, logTail: clip(result.logTail.slice(-TAIL_AT_END)) });
    return { run: ended ?? (await deps.runs.get(runId)), progressWrites: progress.writes };
  };
}
export type RunMigration = ReturnType<typeof makeRunMigration>;
