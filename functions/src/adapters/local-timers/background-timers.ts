import type { Logger } from '../../platform/logger.ts';

/** How often the local outbox is retried (failed notification emails). */
export const OUTBOX_EVERY_MS = 60_000;
/** How often ended campaigns are checked for credentials due for purge. */
export const PURGE_EVERY_MS = 3_600_000;

export interface BackgroundJobs {
  runDnsTier(): Promise<unknown>;
  retryOutbox(): Promise<unknown>;
  /** Deletes campaign credentials due for purge (hourly). */
  purgeCampaigns?(): Promise<unknown>;
  /** Deletes migration app passwords no longer used, retries failed deletions (hourly). */
  sweepAppPasswords?(): Promise<unknown>;
  /** Settles off-boarding archive copies a missed run end left open (hourly; a run's end settles them at once). */
  settleArchiveCopies?(): Promise<unknown>;
  /** Ends the "keep in sync" schedules past their date (every minute: one index query). */
  settleJobSyncs?(): Promise<unknown>;
}

/**
 * The recurring EventBridge schedules, in one process: a DNS tier run every `dnsEveryMs` and an outbox
 * retry every minute. The first DNS run waits one interval, so starting up costs no PurelyMail call.
 * A job never overlaps itself; a failure is logged and the next tick tries again.
 */
export function startBackgroundTimers(deps: BackgroundJobs & { logger: Logger; dnsEveryMs: number; outboxEveryMs?: number }): { stop(): Promise<void> } {
  const running = new Set<Promise<unknown>>();
  const every = (name: string, ms: number, job: () => Promise<unknown>) => {
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return;
      busy = true;
      const run = job()
        .catch((err: unknown) => deps.logger.warn(`${name} failed`, { error: (err as Error).message }))
        .finally(() => {
          busy = false;
          running.delete(run);
        });
      running.add(run);
    }, ms);
    // Background work must not keep the process alive on shutdown.
    timer.unref();
    return timer;
  };
  const timers = deps.dnsEveryMs > 0 ? [every('dns tier run', deps.dnsEveryMs, deps.runDnsTier), every('outbox retry', deps.outboxEveryMs ?? OUTBOX_EVERY_MS, deps.retryOutbox)] : [];
  if (deps.purgeCampaigns) timers.push(every('campaign purge', PURGE_EVERY_MS, deps.purgeCampaigns));
  if (deps.sweepAppPasswords) timers.push(every('app password sweep', PURGE_EVERY_MS, deps.sweepAppPasswords));
  if (deps.settleArchiveCopies) timers.push(every('archive copy settle', PURGE_EVERY_MS, deps.settleArchiveCopies));
  if (deps.settleJobSyncs) timers.push(every('job sync end', OUTBOX_EVERY_MS, deps.settleJobSyncs));
  return {
    async stop() {
      for (const t of timers) clearInterval(t);
      // Let a run in flight finish before the store closes under it.
      await Promise.allSettled([...running]);
    },
  };
}
