import { isTerminalRunState, type DomainMove, type DomainMoveMailbox, type DomainMoveNext, type MailboxVerdict, type Run } from '@app/shared';

/** How often the schedule fires while the copy runs (to notice its end) and while the DNS switch is watched. */
export const COPY_CHECK_EVERY_MINUTES = 15;
export const WATCH_EVERY_MINUTES = 5;
/** When the old MX's TTL could not be read, the final pass waits this long after the switch (and says so). */
export const UNKNOWN_TTL_SECONDS = 3600;
/** A TTL above this is worth lowering before the switch (resolvers may keep the old MX that long). */
export const LOW_TTL_SECONDS = 300;

/** The move's one recurring schedule: `move-` + the domain, in the characters EventBridge allows, at most 64. */
export function scheduleNameFor(domain: string): string {
  const safe = domain.toLowerCase().replace(/[^0-9a-z._-]/g, '-');
  const name = `move-${safe}`;
  if (name.length <= 64) return name;
  // A long domain keeps its start and a hash of the whole, so two long domains never share a schedule.
  let h = 0;
  for (const ch of domain) h = (Math.imul(h, 31) + ch.charCodeAt(0)) >>> 0;
  return `${name.slice(0, 55)}-${h.toString(36).padStart(7, '0').slice(0, 8)}`.slice(0, 64);
}

/** What one counted run says about a pass: the run's numbers and imapsync's own verdict. */
export function runSummary(run: Run) {
  const stats = run.outcome?.stats ?? null;
  return {
    runId: run.id,
    state: run.state,
    endedAt: run.endedAt,
    messagesCopied: stats?.transferred ?? 0,
    bytesCopied: stats?.bytesTransferred ?? 0,
    verdict: run.state === 'succeeded' && run.outcome?.verdictOk === true,
  };
}

/** "All source messages present" only when the run itself said so; a run that failed proves nothing either way. */
export function verdictOf(run: Run): MailboxVerdict {
  if (run.state !== 'succeeded' || !run.outcome) return 'unknown';
  return run.outcome.verdictOk ? 'all-present' : 'missing';
}

export type Counted = { mailbox: DomainMoveMailbox; pausedNow: boolean; counted: boolean };

/**
 * Counts the run the move is waiting for, once it ended: its numbers add up, a failure adds to the failures in a
 * row and `pauseAfter` of them pause the mailbox (the caller emails the admins). An interrupted run that was
 * retried automatically is followed to its retry instead. Idempotent: a run already counted leaves it as it is.
 */
export function countRun(mb: DomainMoveMailbox, run: Run | undefined, pauseAfter: number, final: boolean): Counted {
  if (!run || mb.currentRunId !== run.id || !isTerminalRunState(run.state)) return { mailbox: mb, pausedNow: false, counted: false };
  if (run.state === 'interrupted' && run.retriedBy) return { mailbox: { ...mb, currentRunId: run.retriedBy }, pausedNow: false, counted: false };
  const summary = runSummary(run);
  const failed = run.state !== 'succeeded';
  const failures = failed ? mb.consecutiveFailures + 1 : 0;
  const pausedNow = failed && !mb.paused && failures >= pauseAfter;
  return {
    mailbox: {
      ...mb,
      currentRunId: null,
      lastRun: summary,
      messagesCopied: mb.messagesCopied + summary.messagesCopied,
      bytesCopied: mb.bytesCopied + summary.bytesCopied,
      consecutiveFailures: failures,
      paused: mb.paused || pausedNow,
      pausedReason: pausedNow ? `${failures} passes in a row failed; the last: ${run.failureReason ?? run.outcome?.mostFrequentError ?? run.state}` : mb.pausedReason,
      ...(final ? { verdict: verdictOf(run) } : {}),
    },
    pausedNow,
    counted: true,
  };
}

/**
 * A new reading of the old MX, kept with what the previous one said: when the TTL went down, the lower TTL takes
 * full effect once the previous TTL has run out from now (resolvers may hold the record that long).
 */
export function nextOldMx(prev: DomainMove['oldMx'], read: { hosts: string[]; ttlSeconds: number | null; readAt: string }): NonNullable<DomainMove['oldMx']> {
  const lowered = prev?.ttlSeconds != null && read.ttlSeconds != null && read.ttlSeconds < prev.ttlSeconds;
  const lowerTtlEffectiveAt = lowered ? new Date(Date.parse(read.readAt) + prev.ttlSeconds! * 1000).toISOString() : (prev?.lowerTtlEffectiveAt ?? null);
  return { ...read, lowerTtlEffectiveAt };
}

/** When the final pass may start: MX points to PurelyMail everywhere and the old TTL has passed since the switch. */
export function finalPassReadiness(move: DomainMove, now: Date): { ready: boolean; reason: string; ttlPassesAt: string | null } {
  const appliedAt = move.dns.appliedAt;
  if (!appliedAt) return { ready: false, reason: 'The DNS records have not been published yet.', ttlPassesAt: null };
  const ttl = move.oldMx?.ttlSeconds ?? UNKNOWN_TTL_SECONDS;
  // A TTL lowered shortly before the switch: resolvers may still hold the record under the longer one until then.
  const lowered = move.oldMx?.lowerTtlEffectiveAt ? Date.parse(move.oldMx.lowerTtlEffectiveAt) : 0;
  const ttlPassesAt = new Date(Math.max(Date.parse(appliedAt) + ttl * 1000, lowered)).toISOString();
  if (!move.dns.switchedEverywhereAt) {
    const w = move.dns.lastWatch;
    const seen = w ? `${w.resolvers.filter((r) => r.purelymail).length} of ${w.resolvers.length} resolvers` : 'no resolver asked yet';
    return { ready: false, reason: `MX does not point to PurelyMail everywhere yet (${seen}).`, ttlPassesAt };
  }
  if (now.toISOString() < ttlPassesAt) {
    const unknown = move.oldMx?.ttlSeconds == null ? ' (the old TTL could not be read, so the panel waits an hour)' : '';
    return { ready: false, reason: `The old MX record's TTL has not passed yet: resolvers may hand out the old host until ${ttlPassesAt}${unknown}.`, ttlPassesAt };
  }
  return { ready: true, reason: 'MX points to PurelyMail everywhere and the old TTL has passed.', ttlPassesAt };
}

/** The final pass's runs have been queued and recorded (its claim comes first, the runs a moment later). */
export const finalRunsRecorded = (move: DomainMove): boolean => move.finalPassAt !== null && move.lastPassAt !== null && move.lastPassAt >= move.finalPassAt;

/** Before the switch: what to do about the old MX record's TTL, or null when it is low and in effect. */
function ttlAdvice(move: DomainMove, now: Date): string | null {
  const mx = move.oldMx;
  if (!mx || mx.ttlSeconds == null) return 'The old MX record’s TTL could not be read; lower it at the old DNS host to 300 seconds before the switch.';
  if (mx.ttlSeconds > LOW_TTL_SECONDS) return `Lower the old MX record’s TTL (now ${mx.ttlSeconds} s) to ${LOW_TTL_SECONDS} s at the old DNS host, then check it again; the lower TTL takes effect ${mx.ttlSeconds} s after you change it.`;
  if (mx.lowerTtlEffectiveAt && mx.lowerTtlEffectiveAt > now.toISOString()) return `The lower TTL (${mx.ttlSeconds} s) takes full effect at ${mx.lowerTtlEffectiveAt}: switch after that.`;
  return null;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The next action and what the move waits for, as the page shows them. Derived from the move alone. */
export function describeNext(move: DomainMove, now: Date): DomainMoveNext {
  const out = move.mailboxes.filter((m) => m.currentRunId !== null).length;
  const paused = move.mailboxes.filter((m) => m.paused).length;
  const pausedNote = paused ? ` ${plural(paused, 'mailbox', 'mailboxes')} paused: resume ${paused === 1 ? 'it' : 'them'} once fixed.` : '';
  switch (move.stage) {
    case 'prepare':
      return { action: 'Start the copy of every mailbox.', waitingFor: ttlAdvice(move, now) };
    case 'copy':
      return { action: 'Wait for the copy to finish; delta passes start on their own.', waitingFor: `The copy: ${plural(out, 'mailbox', 'mailboxes')} still running.${pausedNote}` };
    case 'sync': {
      const advice = ttlAdvice(move, now);
      return {
        action: 'Publish the DNS records when ready (Switch).',
        waitingFor: `${move.schedule?.nextAt ? `The next delta pass at ${move.schedule.nextAt}` : 'No pass scheduled'}${out ? `; ${plural(out, 'run')} of the last pass still going` : ''}.${pausedNote}${advice ? ` ${advice}` : ''}`,
      };
    }
    case 'switch': {
      const r = finalPassReadiness(move, now);
      return r.ready ? { action: 'Run the final pass.', waitingFor: null } : { action: 'Wait: the final pass starts on its own when MX has switched everywhere and the old TTL has passed.', waitingFor: r.reason };
    }
    case 'final':
      if (!finalRunsRecorded(move)) return { action: 'Wait for the final pass to finish.', waitingFor: 'The final pass’s runs are being queued.' };
      return out ? { action: 'Wait for the final pass to finish.', waitingFor: `${plural(out, 'mailbox', 'mailboxes')} still running.` } : { action: 'Finish: email every moved user their new settings.', waitingFor: null };
    case 'finished':
      return { action: 'Nothing: the move is finished. The report lists every mailbox.', waitingFor: null };
    case 'cancelled':
      return { action: 'Nothing: the move was cancelled. Nothing was deleted; start a new move when ready.', waitingFor: null };
  }
}
