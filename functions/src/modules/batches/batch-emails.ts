import { exitClassInfo, type Batch, type BatchCounts, type BatchProgress, type Job, type Run } from '@app/shared';
import { renderEmail } from '../notifications/render-email.ts';
import { causeOf } from './batch-views.ts';

const MAX_FAILURES_LISTED = 30;

export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

/** The one summary email of a finished batch (or campaign): counts, totals, and each failure with its cause. */
export function batchFinishedEmail(batch: Batch, counts: BatchCounts, progress: BatchProgress, jobs: readonly Job[], panelUrl: string) {
  const failures = jobs.filter((j) => j.latestRun && j.latestRun.state !== 'succeeded');
  const what = batch.origin === 'campaign' ? 'Campaign' : 'Batch';
  const listed = failures.slice(0, MAX_FAILURES_LISTED);
  return renderEmail({
    subject: `${what} finished: ${batch.name} - ${counts.succeeded} succeeded, ${failures.length} did not`,
    intro: `All ${counts.total} mailbox migrations of the ${what.toLowerCase()} "${batch.name}" have ended${batch.round > 1 ? ` (pass ${batch.round})` : ''}.`,
    facts: [
      ['Succeeded', String(counts.succeeded)],
      ['Failed', String(counts.failed + counts.interrupted)],
      ['Cancelled', String(counts.cancelled)],
      ['Messages', String(progress.messagesDone)],
      ['Data copied', formatBytes(progress.bytesDone)],
      ['Launched by', batch.createdBy],
      ...listed.map((j): [string, string] => [`${j.source.user} → ${j.dest.user}`, causeOf(j.latestRun)]),
    ],
    outro: failures.length > listed.length ? `${failures.length - listed.length} more mailboxes did not succeed; the report lists every one.` : failures.length ? 'Fix the causes above, then use "Retry failed" on the batch page.' : 'Every mailbox was migrated.',
    link: { url: `${panelUrl}/migrations/batches/${batch.id}`, label: 'Open the batch' },
  });
}

/** A single job (not in a batch) ended: at once when it failed, a short note when it succeeded. */
export function singleRunEmail(job: Pick<Job, 'id' | 'name' | 'source' | 'dest'>, run: Run, panelUrl: string) {
  const ok = run.state === 'succeeded';
  const cls = run.outcome?.exitClass;
  return renderEmail({
    subject: `${ok ? 'Migration finished' : 'Migration failed'}: ${job.source.user} -> ${job.dest.user}`,
    intro: ok ? `The ${run.kind === 'dry' ? 'dry run' : 'migration'} "${job.name}" finished.` : `The ${run.kind === 'dry' ? 'dry run' : 'migration'} "${job.name}" failed.`,
    facts: [
      ['Source', job.source.user],
      ['Destination', job.dest.user],
      ...(ok ? [] : ([['Cause', causeOf(run)]] as [string, string][])),
      ...(cls && !ok ? ([['What to do', exitClassInfo(cls).fix]] as [string, string][]) : []),
    ],
    link: { url: `${panelUrl}/migrations/jobs/${job.id}`, label: 'Open the job' },
  });
}
