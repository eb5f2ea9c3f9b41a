import type { DomainMove, DomainMoveMailbox, Run } from '@app/shared';
import { describe, expect, it } from 'vitest';
import { countRun, describeNext, finalPassReadiness, nextOldMx, scheduleNameFor, verdictOf } from './move-rules.ts';

const mailbox = (over: Partial<DomainMoveMailbox> = {}): DomainMoveMailbox => ({
  address: 'ann@example.com',
  sourceUser: 'ann@old.example',
  jobId: 'job_1',
  passes: 1,
  consecutiveFailures: 0,
  paused: false,
  pausedReason: null,
  lastRun: null,
  currentRunId: 'run_1',
  skippedReason: null,
  messagesCopied: 10,
  bytesCopied: 1000,
  verdict: 'unknown',
  ...over,
});

const run = (over: Partial<Run> = {}): Run => ({
  id: 'run_1',
  jobId: 'job_1',
  kind: 'full',
  state: 'succeeded',
  attempt: 1,
  retryOf: null,
  retriedBy: null,
  cancelRequested: false,
  createdAt: '2026-11-21T09:00:00.000Z',
  createdBy: 'x',
  startedAt: null,
  endedAt: '2026-11-21T09:05:00.000Z',
  heartbeatAt: null,
  progress: null,
  outcome: { exitClass: 'succeeded', exitCode: 0, signal: null, verdictOk: true, stats: { transferred: 5, skipped: 0, bytesTransferred: 500, bytesSkipped: 0, foundInHost1NotInHost2: 0, reconnections1: 0, reconnections2: 0, errors: 0, foldersSynced: 3, foldersTotal: 3, transferTimeSec: 1, cpuSec: 1, verdictOk: true }, errors: [], mostFrequentError: null },
  failureReason: null,
  version: 3,
  ...over,
});
const failed = (id: string) => run({ id, state: 'failed', outcome: null, failureReason: 'Source login failed.' });

const move = (over: Partial<DomainMove> = {}): DomainMove => ({
  domain: 'example.com',
  stage: 'switch',
  createdAt: '2026-11-21T09:00:00.000Z',
  createdBy: 'owner@example.com',
  updatedAt: '2026-11-21T09:00:00.000Z',
  source: { kind: 'batch', batchId: 'bat_1' },
  batchId: 'bat_1',
  syncEveryHours: 6,
  pauseAfterFailures: 3,
  schedule: null,
  passesDone: 2,
  lastPassAt: null,
  oldMx: { hosts: ['mx.old.example'], ttlSeconds: 3600, readAt: '2026-11-21T09:00:00.000Z' },
  dns: { applied: 'sandbox', appliedAt: '2026-11-21T10:00:00.000Z', savedRecords: true, switchedEverywhereAt: null, lastWatch: null },
  finalPassAt: null,
  finishedAt: null,
  cancelledAt: null,
  mailboxes: [mailbox()],
  next: { action: '', waitingFor: null },
  version: 5,
  ...over,
});

describe('counting a pass', () => {
  it('adds a successful run’s numbers and clears the failures in a row; counting it twice changes nothing', () => {
    const c = countRun(mailbox({ consecutiveFailures: 2 }), run(), 3, false);
    expect(c).toMatchObject({ counted: true, pausedNow: false, mailbox: { currentRunId: null, consecutiveFailures: 0, messagesCopied: 15, bytesCopied: 1500, lastRun: { runId: 'run_1', verdict: true } } });
    expect(countRun(c.mailbox, run(), 3, false)).toEqual({ mailbox: c.mailbox, pausedNow: false, counted: false });
  });

  it('pauses at the K-th failure in a row, once, with the run’s reason', () => {
    let mb = mailbox({ currentRunId: 'r1' });
    const results = ['r1', 'r2', 'r3'].map((id, i) => {
      mb = { ...mb, currentRunId: id };
      const c = countRun(mb, failed(id), 3, false);
      mb = c.mailbox;
      return [i + 1, c.pausedNow, mb.paused];
    });
    expect(results).toEqual([[1, false, false], [2, false, false], [3, true, true]]);
    expect(mb.pausedReason).toBe('3 passes in a row failed; the last: Source login failed.');
    // A fourth failure (a run an admin started) does not announce the pause again.
    expect(countRun({ ...mb, currentRunId: 'r4' }, failed('r4'), 3, false).pausedNow).toBe(false);
  });

  it('waits for a running run, ignores a run it did not start, and follows an automatic retry', () => {
    expect(countRun(mailbox(), run({ state: 'running', endedAt: null }), 3, false).counted).toBe(false);
    expect(countRun(mailbox(), run({ id: 'other' }), 3, false).counted).toBe(false);
    expect(countRun(mailbox(), run({ state: 'interrupted', retriedBy: 'run_2' }), 3, false).mailbox.currentRunId).toBe('run_2');
  });

  it('gives a verdict from the final run only, and "all present" only when the run itself said so', () => {
    expect(countRun(mailbox(), run(), 3, false).mailbox.verdict).toBe('unknown');
    expect(countRun(mailbox(), run(), 3, true).mailbox.verdict).toBe('all-present');
    expect(verdictOf(run({ outcome: { ...run().outcome!, verdictOk: false } }))).toBe('missing');
    expect(verdictOf(failed('x'))).toBe('unknown');
  });
});

describe('when the final pass may run', () => {
  it('needs MX at PurelyMail everywhere and the old TTL passed since the switch', () => {
    const watch = { at: '2026-11-21T10:05:00.000Z', everywhere: false, resolvers: [{ resolver: 'a', mx: ['mx.old.example'], purelymail: false }, { resolver: 'b', mx: ['mailserver.purelymail.com'], purelymail: true }] };
    const notYet = move({ dns: { ...move().dns, lastWatch: watch } });
    expect(finalPassReadiness(notYet, new Date('2026-11-21T12:00:00Z'))).toMatchObject({ ready: false, reason: 'MX does not point to PurelyMail everywhere yet (1 of 2 resolvers).' });
    const switched = move({ dns: { ...move().dns, switchedEverywhereAt: '2026-11-21T10:10:00.000Z' } });
    expect(finalPassReadiness(switched, new Date('2026-11-21T10:59:59Z'))).toMatchObject({ ready: false, ttlPassesAt: '2026-11-21T11:00:00.000Z' });
    expect(finalPassReadiness(switched, new Date('2026-11-21T11:00:00Z')).ready).toBe(true);
    // An unreadable TTL waits an hour and says why.
    const unknown = { ...switched, oldMx: { ...switched.oldMx!, ttlSeconds: null } };
    expect(finalPassReadiness(unknown, new Date('2026-11-21T10:30:00Z')).reason).toContain('could not be read');
    expect(finalPassReadiness(move({ dns: { ...move().dns, appliedAt: null } }), new Date()).reason).toBe('The DNS records have not been published yet.');
  });

  it('knows when a lowered TTL has taken effect, and waits for it after the switch too', () => {
    const first = nextOldMx(null, { hosts: ['mx.old.example'], ttlSeconds: 86_400, readAt: '2026-11-20T09:00:00.000Z' });
    expect(first.lowerTtlEffectiveAt).toBeNull();
    const lowered = nextOldMx(first, { hosts: ['mx.old.example'], ttlSeconds: 300, readAt: '2026-11-21T08:00:00.000Z' });
    // Resolvers may hold the record for the previous TTL (a day) from the reading that saw it lowered.
    expect(lowered.lowerTtlEffectiveAt).toBe('2026-11-22T08:00:00.000Z');
    expect(nextOldMx(lowered, { hosts: ['mx.old.example'], ttlSeconds: 300, readAt: '2026-11-21T09:00:00.000Z' }).lowerTtlEffectiveAt).toBe('2026-11-22T08:00:00.000Z');
    const sync = move({ stage: 'sync', oldMx: lowered });
    expect(describeNext(sync, new Date('2026-11-21T12:00:00Z')).waitingFor).toContain('The lower TTL (300 s) takes full effect at 2026-11-22T08:00:00.000Z');
    expect(describeNext(sync, new Date('2026-11-22T08:00:00Z')).waitingFor).not.toContain('TTL');
    // Switched at 10:00 with a 300 s TTL, but the day-long one still lives in caches until the next morning.
    const switched = move({ oldMx: lowered, dns: { ...move().dns, switchedEverywhereAt: '2026-11-21T10:05:00.000Z' } });
    expect(finalPassReadiness(switched, new Date('2026-11-21T12:00:00Z'))).toMatchObject({ ready: false, ttlPassesAt: '2026-11-22T08:00:00.000Z' });
    expect(finalPassReadiness(switched, new Date('2026-11-22T08:00:00Z')).ready).toBe(true);
  });

  it('says what to do next in each stage', () => {
    expect(describeNext(move({ stage: 'prepare' }), new Date()).waitingFor).toContain('Lower the old MX record’s TTL (now 3600 s) to 300 s');
    expect(describeNext(move({ stage: 'prepare', oldMx: { hosts: [], ttlSeconds: 300, readAt: 'x' } }), new Date()).waitingFor).toBeNull();
    expect(describeNext(move({ stage: 'final', finalPassAt: '2026-11-21T11:00:00.000Z', lastPassAt: '2026-11-21T11:00:00.000Z', mailboxes: [mailbox({ currentRunId: null })] }), new Date()).action).toContain('Finish');
    expect(describeNext(move({ stage: 'final', finalPassAt: '2026-11-21T11:00:00.000Z', lastPassAt: null, mailboxes: [mailbox({ currentRunId: null })] }), new Date()).action).toContain('Wait');
    expect(describeNext(move({ stage: 'sync', mailboxes: [mailbox({ paused: true, currentRunId: null })] }), new Date()).waitingFor).toContain('1 mailbox paused');
  });
});

describe('the schedule name', () => {
  it('is move-<domain> in EventBridge’s characters, at most 64, distinct for long domains', () => {
    expect(scheduleNameFor('Example.COM')).toBe('move-example.com');
    const long1 = `${'a'.repeat(60)}.example.com`;
    const long2 = `${'a'.repeat(60)}.example.org`;
    expect(scheduleNameFor(long1)).toMatch(/^[0-9a-z._-]{1,64}$/);
    expect(scheduleNameFor(long1)).not.toBe(scheduleNameFor(long2));
    expect(scheduleNameFor('xn--bcher-kva.example')).toBe('move-xn--bcher-kva.example');
  });
});
