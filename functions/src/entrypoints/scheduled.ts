import { ScheduledEvent } from '../adapters/scheduler/scheduled-event.ts';
import { PurelyMailNotConfiguredError } from '../modules/purelymail/errors.ts';
import type { DnsTierResult } from '../modules/dns-health/run-dns-tier.ts';
import { addLambdaContext, type Logger } from '../platform/logger.ts';
import { composeAwsScheduled } from '../platform/composition/aws.ts';

/** What the scheduled Lambda runs; `buildCapabilities(...).background` provides exactly this. */
export interface ScheduledDeps {
  pendingActions: { executeDue(actionId: string): Promise<unknown>; sweep(now?: Date): Promise<unknown> };
  runDnsTier(opts?: { tier?: 'new' | 'failing' | 'healthy' }): Promise<DnsTierResult>;
  refreshCache(): Promise<{ credit: { credit: string } | null }>;
  checkCredit(credit: string): Promise<unknown>;
  retryOutbox(): Promise<unknown>;
  /** Campaign credentials due for purge (optional: roots without campaigns skip it). */
  purgeCampaigns?(): Promise<unknown>;
  /** Migration app passwords no longer used, and deletions that failed (optional like the purge). */
  sweepAppPasswords?(): Promise<unknown>;
  /** Off-boarding archive copies whose run ended in another process (the worker, the dispatch Lambda): settled here. */
  settleArchiveCopies?(): Promise<unknown>;
  /** One firing of a domain move's recurring schedule (optional like the purge: roots without moves ignore it). */
  domainMoveTick?(domain: string): Promise<unknown>;
  /** Jobs kept in sync whose end date has passed: marked ended (optional like the purge). */
  settleJobSyncs?(): Promise<unknown>;
  /** One firing of a job's "keep in sync" schedule (optional like the moves). */
  jobSyncTick?(jobId: string): Promise<unknown>;
  logger: Logger;
}

export type ScheduledOutcome = { kind: ScheduledEvent['kind']; result: unknown } | { kind: 'ignored'; reason: string };

/** The result of a PurelyMail job that did not run because the deployment has no PurelyMail token yet. */
export const NOT_CONFIGURED = { skipped: 'PurelyMail is not configured (no API token yet)' } as const;

/**
 * The "scheduled" Lambda: decode an EventBridge Scheduler input, run one background job, report.
 * An input that is not one of ours is logged and ignored (throwing would only buy 185 useless retries).
 * A failure inside a job is thrown, so Lambda's async retries and on-failure destination take over;
 * every job is idempotent (conditional writes), so a retry never doubles an effect.
 */
export function makeScheduledHandler(deps: ScheduledDeps) {
  // Until ops set the token, the recurring cache refresh (and a DNS run with domains due) cannot work: it is skipped
  // and said once, instead of failing into the dead-letter queue every 15 minutes and paging ops through its alarm.
  let saidNotConfigured = false;
  return async (event: unknown): Promise<ScheduledOutcome> => {
    const parsed = ScheduledEvent.safeParse(event);
    if (!parsed.success) {
      const reason = parsed.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; ');
      deps.logger.warn('scheduled event ignored: not one we know', { reason });
      return { kind: 'ignored', reason };
    }
    const e = parsed.data;
    let result: unknown;
    try {
      result = await run(deps, e);
    } catch (err) {
      if (!(err instanceof PurelyMailNotConfiguredError) || (e.kind !== 'cache-refresh' && e.kind !== 'dns-tier')) throw err;
      if (!saidNotConfigured) deps.logger.warn('scheduled PurelyMail jobs skipped: PurelyMail is not configured; they run again once the token is set', { kind: e.kind, error: err.message });
      saidNotConfigured = true;
      return { kind: e.kind, result: NOT_CONFIGURED };
    }
    // The refresh always calls PurelyMail (a DNS run with nothing due does not): its success means the token is set.
    if (e.kind === 'cache-refresh') saidNotConfigured = false;
    deps.logger.info('scheduled job done', { kind: e.kind, result });
    return { kind: e.kind, result };
  };
}

async function run(deps: ScheduledDeps, e: ScheduledEvent): Promise<unknown> {
  switch (e.kind) {
    case 'pending-action':
      // Unknown, cancelled or finished actions come back as "skipped": logged above, never retried.
      return { actionId: e.actionId, outcome: await deps.pendingActions.executeDue(e.actionId) };
    case 'dns-tier':
      return deps.runDnsTier(e.tier ? { tier: e.tier } : {});
    case 'cache-refresh': {
      const snapshot = await deps.refreshCache();
      return { creditLevel: snapshot.credit ? await deps.checkCredit(snapshot.credit.credit) : null };
    }
    case 'domain-move':
      // A move that is over or gone removes its own schedule and says so (logged above); never retried for nothing.
      return deps.domainMoveTick ? deps.domainMoveTick(e.domain) : { skipped: 'domain moves are not part of this runtime' };
    case 'job-sync':
      // A schedule over or gone removes itself; a run in progress makes the pass "skipped", never an error to retry.
      return deps.jobSyncTick ? deps.jobSyncTick(e.jobId) : { skipped: 'job sync schedules are not part of this runtime' };
    case 'sweep': {
      // Independent jobs: a failing outbox must not stop overdue deletions, nor the reverse.
      const [ran, outbox, purge, appPasswords, archives, jobSyncs] = await Promise.allSettled([deps.pendingActions.sweep(), deps.retryOutbox(), deps.purgeCampaigns?.(), deps.sweepAppPasswords?.(), deps.settleArchiveCopies?.(), deps.settleJobSyncs?.()]);
      for (const r of [ran, outbox, purge, appPasswords, archives, jobSyncs]) if (r.status === 'rejected') throw r.reason;
      return {
        pendingRan: (ran as PromiseFulfilledResult<unknown>).value,
        outbox: (outbox as PromiseFulfilledResult<unknown>).value,
        ...(deps.purgeCampaigns ? { campaignsPurged: (purge as PromiseFulfilledResult<unknown>).value } : {}),
        ...(deps.sweepAppPasswords ? { appPasswords: (appPasswords as PromiseFulfilledResult<unknown>).value } : {}),
        ...(deps.settleArchiveCopies ? { archiveCopies: (archives as PromiseFulfilledResult<unknown>).value } : {}),
        ...(deps.settleJobSyncs ? { jobSyncs: (jobSyncs as PromiseFulfilledResult<unknown>).value } : {}),
      };
    }
  }
}

let handle: ReturnType<typeof makeScheduledHandler> | undefined;
let logger: Logger | undefined;

/** Composed on the first invocation (not at import), once per execution environment; no HTTP app is built. */
export const handler = (event: unknown, context?: object): Promise<ScheduledOutcome> => {
  if (!handle) {
    const composed = composeAwsScheduled();
    logger = composed.logger;
    const { background } = composed;
    handle = makeScheduledHandler({ ...background, logger });
  }
  addLambdaContext(logger!, context);
  return handle(event);
};
