import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { BatchDetail, DomainMove, Run } from '@app/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDomainMoveStore } from '../../src/adapters/dynamodb/dynamodb-domain-move-store.ts';
import { startLocalDynamo } from '../../src/adapters/dynamodb/local-dynalite.ts';
import { makeScheduledHandler } from '../../src/entrypoints/scheduled.ts';
import { mapError } from '../../src/http/on-error.ts';
import type { JobSnapshot } from '../../src/modules/batches/ports.ts';
import { makeDomainMoves, type DomainMovesDeps } from '../../src/modules/domain-moves/domain-moves.ts';
import type { DomainMoveStore } from '../../src/modules/domain-moves/ports.ts';
import { StoredItemInvalidError } from '../../src/modules/errors.ts';
import { quietLogger } from '../migrations/engine-fixture.ts';
import { FakeClock } from '../support/test-runtime.ts';

const job = (id: string, user: string, domain: string): JobSnapshot =>
  ({ id, name: user, source: { serverId: 's', user: `${user}@old.example`, hasPassword: true }, dest: { serverId: 'd', user: `${user}@${domain}`, hasPassword: true }, latestRunId: null, activeRunId: null }) as unknown as JobSnapshot;
const detail = (jobs: JobSnapshot[]): BatchDetail =>
  ({
    batch: { id: 'bat_00000001', name: 'b', origin: 'csv', campaignId: null, mode: 'full', createdAt: 'x', createdBy: 'x', jobCount: jobs.length, state: 'open', round: 1, finishedAt: null },
    counts: { total: jobs.length, notStarted: jobs.length, queued: 0, starting: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0, interrupted: 0 },
    progress: { messagesDone: 0, messagesTotal: 0, bytesDone: 0, bytesTotal: 0 },
    jobs: jobs.map((j) => ({ ...j, latestRun: null })),
  }) as unknown as BatchDetail;

/** A domain move module over a real (dynalite) store and fakes for everything else, recording what it asked for. */
function harness(store: DomainMoveStore, domain: string, over: Partial<DomainMovesDeps> = {}) {
  const clock = new FakeClock();
  const schedules: string[] = [];
  const audit: string[] = [];
  const jobs = [job('job_a', 'ann', domain), job('job_b', 'ben', domain)];
  let runs = 0;
  const deps: DomainMovesDeps = {
    store,
    scheduler: { put: async (name, spec) => void schedules.push(`put ${name} ${spec.everyMinutes}`), remove: async (name) => void schedules.push(`remove ${name}`) },
    domainExists: async () => true,
    ownershipCode: async () => 'purelymail_ownership_proof=x',
    batches: {
      detail: async () => detail(jobs),
      // As the batch action does: each job gets a queued run.
      act: async (_id, input) => {
        for (const j of jobs) if (input.jobIds.includes(j.id)) Object.assign(j, { activeRunId: `run_copy_${j.id}`, latestRunId: `run_copy_${j.id}` });
        return { action: input.action, done: input.jobIds, skipped: [] };
      },
    },
    campaigns: { detail: async () => Promise.reject(new Error('no campaigns here')), deactivate: async () => undefined },
    startRun: async () => ({ id: `run_${++runs}` }),
    readJobs: async () => jobs,
    readRuns: async (ids) => ids.map((id) => ({ id, state: 'running' }) as Run),
    releaseAppPasswords: async () => ({ deleted: 0, failed: 0 }),
    notify: async () => undefined,
    audit: { record: async (e) => void audit.push(`${e.action} ${e.details ?? ''}`) },
    clock,
    logger: quietLogger,
    panelUrl: 'http://panel.test',
    ...over,
  };
  return { moves: makeDomainMoves(deps), schedules, audit, clock };
}

describe('domain moves (module, dynalite store)', () => {
  let dynamo: Awaited<ReturnType<typeof startLocalDynamo>>;
  let store: DomainMoveStore;
  beforeAll(async () => {
    dynamo = await startLocalDynamo({ tableName: 'domain-move-module-test' });
    store = createDynamoDomainMoveStore(dynamo.table);
  });
  afterAll(() => dynamo.close());

  it('without the DNS cutover module: the move still works, its DNS steps answer 503 with a sentence, the admin may say they published', async () => {
    const { moves } = harness(store, 'no-dns.example');
    const m = await moves.create('no-dns.example', { source: { kind: 'batch', batchId: 'bat_00000001' } }, 'owner@example.com');
    expect(m.oldMx).toBeNull();
    expect(m.next.waitingFor).toContain('could not be read');
    const err = await moves.dnsPlan('no-dns.example').catch((e: unknown) => e);
    expect(mapError(err)).toEqual({ status: 503, code: 'dns_cutover_unavailable', message: 'DNS cutover not available in this build: publish the records at your DNS host yourself, then use “I published them”.' });
    await expect(moves.applyDns('no-dns.example', 'owner@example.com')).rejects.toThrow('DNS cutover not available in this build');
  });

  it('one recurring schedule per move: created at the copy, updated (not a second one) on an interval change, deleted on cancel', async () => {
    const { moves, schedules, audit } = harness(store, 'sched.example');
    await moves.create('sched.example', { source: { kind: 'batch', batchId: 'bat_00000001' }, syncEveryHours: 6 }, 'owner@example.com');
    await moves.startCopy('sched.example', 'owner@example.com');
    await moves.startSync('sched.example', {}, 'owner@example.com');
    await moves.startSync('sched.example', { everyHours: 12 }, 'owner@example.com');
    expect((await moves.get('sched.example')).schedule).toMatchObject({ name: 'move-sched.example', everyMinutes: 720, purpose: 'pass' });
    await moves.cancel('sched.example', 'owner@example.com');
    expect(schedules).toEqual(['put move-sched.example 15', 'put move-sched.example 360', 'put move-sched.example 720', 'remove move-sched.example']);
    expect(audit.filter((a) => a.startsWith('domain_move.schedule'))).toEqual([
      'domain_move.schedule.create move-sched.example: checks every 15 min whether the copy ended',
      'domain_move.schedule.update move-sched.example: a delta pass every 6 h (started by an admin before the copy ended)',
      'domain_move.schedule.update move-sched.example: a delta pass every 12 h (interval set to 12 h)',
      'domain_move.schedule.delete move-sched.example: the move was cancelled',
    ]);
  });

  it('reads the old MX again on request (the page then says when the lower TTL takes effect); rolls back saved records through the cutover and returns to delta passes', async () => {
    let ttl = 86_400;
    const rolledBack: unknown[][] = [];
    const saved = [{ name: 'dns.example', type: 'MX', values: ['10 mx.old.example'] }];
    const dnsCutover = {
      oldMx: async () => ({ hosts: ['mx.old.example'], ttlSeconds: ttl, readAt: new Date(Date.parse('2026-11-21T09:00:00Z')).toISOString() }),
      plan: async () => ({ bind: '', records: [], provider: null, changeSet: null }),
      apply: async () => ({ provider: 'route53' as const, saved, changeId: 'C1' }),
      rollback: async (_d: string, s: unknown[]) => void rolledBack.push(s),
      watch: async () => ({ at: '2026-11-21T09:00:00.000Z', resolvers: [], everywhere: false }),
    };
    const { moves, schedules } = harness(store, 'dns.example', { dnsCutover });
    await moves.create('dns.example', { source: { kind: 'batch', batchId: 'bat_00000001' } }, 'owner@example.com');
    ttl = 300;
    const checked = await moves.recheckOldMx('dns.example');
    expect(checked.oldMx).toMatchObject({ ttlSeconds: 300, lowerTtlEffectiveAt: '2026-11-22T09:00:00.000Z' });
    await moves.startCopy('dns.example', 'owner@example.com');
    await moves.startSync('dns.example', {}, 'owner@example.com');
    expect((await moves.applyDns('dns.example', 'owner@example.com')).dns).toMatchObject({ applied: 'route53', savedRecords: true });
    const back = await moves.rollbackDns('dns.example', 'owner@example.com');
    expect(rolledBack).toEqual([saved]);
    expect(back).toMatchObject({ restored: true, records: null, move: { stage: 'sync', dns: { applied: null, savedRecords: false }, schedule: { purpose: 'pass', everyMinutes: 360 } } });
    expect(schedules).toEqual(['put move-dns.example 15', 'put move-dns.example 360', 'put move-dns.example 5', 'put move-dns.example 360']);
    await expect(moves.recheckOldMx('dns.example')).resolves.toMatchObject({ stage: 'sync' });
  });

  it('the scheduled Lambda runs a move’s tick; a move that is over removes its own schedule', async () => {
    const { moves, schedules } = harness(store, 'sched.example');
    const handle = makeScheduledHandler({
      pendingActions: { executeDue: async () => undefined, sweep: async () => undefined },
      runDnsTier: async () => ({}) as never,
      refreshCache: async () => ({ credit: null }),
      checkCredit: async () => undefined,
      retryOutbox: async () => undefined,
      domainMoveTick: moves.tick,
      logger: quietLogger,
    });
    expect(await handle({ kind: 'domain-move', domain: 'sched.example' })).toEqual({ kind: 'domain-move', result: { domain: 'sched.example', stage: 'cancelled', did: 'schedule removed: the move is over or gone' } });
    expect(schedules).toEqual(['remove move-sched.example']);
    expect(await handle({ kind: 'domain-move', domain: 'Not a domain' })).toMatchObject({ kind: 'ignored' });
  });

  it('a mailbox whose run cannot be queued fails the pass: at K in a row it is paused, audited and mailed, never skipped silently', async () => {
    const mails: string[] = [];
    const { moves, clock, audit } = harness(store, 'gone.example', {
      notify: async (n) => void mails.push(n.subject),
      startRun: async (jobId) => (jobId === 'job_b' ? Promise.reject(new Error('The job queue could not be reached; nothing was started.')) : { id: `run_${jobId}_${Math.random()}` }),
      // Every run ends at once, and no job is ever busy.
      readJobs: async () => [job('job_a', 'ann', 'gone.example'), job('job_b', 'ben', 'gone.example')],
      readRuns: async (ids) => ids.map((id) => ({ id, state: 'succeeded', outcome: null, endedAt: null }) as unknown as Run),
    });
    await moves.create('gone.example', { source: { kind: 'batch', batchId: 'bat_00000001' }, pauseAfterFailures: 2 }, 'owner@example.com');
    await moves.startCopy('gone.example', 'owner@example.com');
    await moves.startSync('gone.example', {}, 'owner@example.com');
    for (const pass of [1, 2]) {
      clock.advance(6 * 3_600_000);
      expect((await moves.tick('gone.example')).did).toBe(`pass ${pass}: 1 started, 1 skipped`);
    }
    const ben = (await moves.get('gone.example')).mailboxes.find((m) => m.address === 'ben@gone.example')!;
    expect(ben).toMatchObject({ paused: true, consecutiveFailures: 2, skippedReason: 'the run could not be queued: The job queue could not be reached; nothing was started.' });
    expect(ben.pausedReason).toBe('2 passes in a row failed; the last: the run could not be queued: The job queue could not be reached; nothing was started.');
    expect(mails.filter((m) => m.includes('ben@gone.example paused after 2 failed passes'))).toHaveLength(1);
    expect(audit.filter((a) => a.startsWith('domain_move.mailbox.pause'))).toHaveLength(1);
  });

  it('counts twenty runs that end at once, each once, without the writers tripping over each other', async () => {
    const many = Array.from({ length: 20 }, (_, i) => job(`job_${i}`, `u${i}`, 'burst.example'));
    const ended = new Set<string>();
    const { moves } = harness(store, 'burst.example', {
      batches: {
        detail: async () => detail(many),
        act: async (_id, input) => {
          for (const j of many) Object.assign(j, { activeRunId: `run_${j.id}`, latestRunId: `run_${j.id}` });
          return { action: input.action, done: input.jobIds, skipped: [] };
        },
      },
      readJobs: async () => many,
      readRuns: async (ids) => ids.map((id) => ({ id, state: ended.has(id) ? 'succeeded' : 'running', outcome: null, endedAt: null }) as unknown as Run),
    });
    await moves.create('burst.example', { source: { kind: 'batch', batchId: 'bat_00000001' } }, 'owner@example.com');
    const copying = await moves.startCopy('burst.example', 'owner@example.com');
    expect(copying.mailboxes.filter((m) => m.currentRunId)).toHaveLength(20);
    for (const j of many) ended.add(`run_${j.id}`);
    await Promise.all(many.map((j) => moves.onRunEnded(`run_${j.id}`)));
    const m = await store.get('burst.example');
    expect(m!.mailboxes.every((mb) => mb.currentRunId === null && mb.passes === 1 && mb.lastRun?.state === 'succeeded')).toBe(true);
    expect(m!.stage).toBe('sync');
  });

  it('a pass runs once per interval even when the schedule delivers twice', async () => {
    const { moves, clock } = harness(store, 'twice.example');
    await moves.create('twice.example', { source: { kind: 'batch', batchId: 'bat_00000001' } }, 'owner@example.com');
    await moves.startCopy('twice.example', 'owner@example.com');
    await moves.startSync('twice.example', {}, 'owner@example.com');
    clock.advance(6 * 3_600_000);
    const [a, b] = await Promise.all([moves.tick('twice.example'), moves.tick('twice.example')]);
    expect([a.did, b.did].filter((d) => d.startsWith('pass 1')).length).toBe(1);
    expect((await moves.get('twice.example')).passesDone).toBe(1);
  });

  it('reads items back through their schema: a damaged one is a clear 422, and parallel writes of one version have one winner', async () => {
    await dynamo.table.doc.send(new PutCommand({ TableName: dynamo.table.name, Item: { pk: 'MOVE#broken.example', sk: 'MOVE', gsi1pk: 'MOVES', gsi1sk: 'x', domain: 'broken.example', stage: 'teleport' } }));
    await expect(store.get('broken.example')).rejects.toBeInstanceOf(StoredItemInvalidError);
    expect((await store.list()).map((m) => m.domain)).not.toContain('broken.example');
    const m = (await store.get('twice.example'))!;
    const next = (n: number): DomainMove => ({ ...m, passesDone: n, version: m.version + 1 });
    const results = await Promise.all([1, 2, 3, 4].map((n) => store.replace(next(n), m.version)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});
