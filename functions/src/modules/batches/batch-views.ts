import { exitClassInfo, type Batch, type BatchCounts, type BatchProgress, type BatchReportRow, type Job, type Run } from '@app/shared';
import { toRunView } from '../migrations/views.ts';
import type { BatchRecord, JobSnapshot } from './ports.ts';

export const toBatchView = ({ version: _v, ...b }: BatchRecord): Batch => b;

export function toJob(batchId: string, j: JobSnapshot, latest: Run | undefined): Job {
  const { latestRunId: _l, activeRunId: _a, ...rest } = j;
  return { ...rest, latestRun: latest ? toRunView(latest) : null, batchId };
}

export function countJobs(jobs: readonly Job[]): BatchCounts {
  const c: BatchCounts = { total: jobs.length, notStarted: 0, queued: 0, starting: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0, interrupted: 0 };
  for (const j of jobs) {
    if (j.latestRun) c[j.latestRun.state]++;
    else c.notStarted++;
  }
  return c;
}

/** Messages and bytes of one run: the final statistics once ended, the live progress before. */
export function runFigures(run: Run | null) {
  const stats = run?.outcome?.stats;
  const p = run?.progress;
  const messagesDone = stats ? stats.transferred + stats.skipped : (p?.messagesDone ?? 0);
  // A resumed run's mailbox is done when its copies plus what was already there add up, not its copies alone.
  const bytesDone = stats ? stats.bytesTransferred + stats.bytesSkipped : (p?.bytesDone ?? 0);
  return {
    messagesDone,
    messagesTotal: Math.max(p?.messagesTotal ?? 0, messagesDone),
    bytesDone,
    bytesTotal: Math.max(p?.bytesTotal ?? 0, bytesDone),
    transferred: stats ? stats.transferred : (p?.messagesDone ?? 0),
  };
}

export function sumProgress(jobs: readonly Job[]): BatchProgress {
  const total: BatchProgress = { messagesDone: 0, messagesTotal: 0, bytesDone: 0, bytesTotal: 0 };
  for (const j of jobs) {
    const f = runFigures(j.latestRun);
    total.messagesDone += f.messagesDone;
    total.messagesTotal += f.messagesTotal;
    total.bytesDone += f.bytesDone;
    total.bytesTotal += f.bytesTotal;
  }
  return total;
}

/** Why a run did not succeed, in words: our own sentence when we have one, else the exit class's cause. */
export function causeOf(run: Run | null): string {
  if (!run || run.state === 'succeeded' || run.state === 'queued' || run.state === 'starting' || run.state === 'running') return '';
  const cls = run.outcome?.exitClass;
  const parts = [run.failureReason ?? (cls ? `${exitClassInfo(cls).title}: ${exitClassInfo(cls).cause}` : run.state === 'cancelled' ? 'Cancelled on request.' : 'The run ended without a result.')];
  if (run.outcome?.mostFrequentError) parts.push(`most frequent error: ${run.outcome.mostFrequentError}`);
  return parts.join(' — ');
}

export function verdictOf(run: Run | null): string {
  if (!run) return '';
  if (run.state === 'succeeded') {
    const stats = run.outcome?.stats;
    if (stats?.ignoredFolders?.length) return `needs attention: not on the source, not copied: ${stats.ignoredFolders.join(', ')}`;
    if (run.outcome?.verdictOk === false) return 'finished, check the log';
    if (run.kind === 'dry') return stats?.dry?.wouldCopy != null ? `dry run: would copy ${stats.dry.wouldCopy} messages` : 'dry run finished';
    return 'sync looks good';
  }
  if (run.state === 'failed' || run.state === 'interrupted' || run.state === 'cancelled') return run.outcome ? exitClassInfo(run.outcome.exitClass).title : run.state;
  return 'in progress';
}

export function reportRow(job: Job): BatchReportRow {
  const run = job.latestRun;
  const f = runFigures(run);
  return {
    jobId: job.id,
    name: job.name,
    sourceUser: job.source.user,
    destUser: job.dest.user,
    state: run?.state ?? 'not started',
    kind: run?.kind ?? '',
    messagesTransferred: f.transferred,
    bytesTransferred: f.bytesDone,
    verdict: verdictOf(run),
    exitClass: run?.outcome?.exitClass ?? null,
    cause: causeOf(run),
  };
}
