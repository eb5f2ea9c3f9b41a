import type { DomainMove, DomainMoveView, ImportResult } from '@app/shared';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../support/api-client.ts';
import { FakeClock, startTestRuntime, TEST_PASSWORD, type TestRuntime } from '../support/test-runtime.ts';
import { waitFor } from '../migrations/engine-fixture.ts';
import type { DnsCutover } from '../../src/modules/domain-moves/ports.ts';

const STAND_IN = join(import.meta.dirname, 'stand-in-by-user');
const HOUR = 3_600_000;
const DOMAIN = 'lumen.example';
const OTHER = 'oakridge.example';
const HEADER = 'source_email,source_password,dest_email,dest_password';
const OWNER = 'owner@example.com';

/** The DNS cutover as 19b's module answers it, with the public MX under the test's control. */
function fakeDnsCutover() {
  const state = { everywhere: false, applied: 0, rolledBack: 0 };
  const cutover: DnsCutover = {
    oldMx: async () => ({ hosts: ['mx.old-host.example'], ttlSeconds: 3600, readAt: new Date().toISOString() }),
    plan: async (domain) => ({ bind: `${domain}. 300 IN MX 10 mailserver.purelymail.com.`, records: [{ type: 'MX', name: domain, value: 'mailserver.purelymail.com' }], provider: { kind: 'sandbox', zone: domain }, changeSet: [{ action: 'UPSERT', type: 'MX' }] }),
    apply: async () => (state.applied++, { provider: 'sandbox', saved: [{ name: 'lumen.example', type: 'MX', values: ['10 mx.old-host.example'] }], changeId: null }),
    rollback: async () => void state.rolledBack++,
    watch: async () => ({ at: new Date().toISOString(), resolvers: [{ resolver: '127.0.0.1:53', mx: [state.everywhere ? 'mailserver.purelymail.com' : 'mx.old-host.example'], purelymail: state.everywhere, error: null }, { resolver: '127.0.0.2:53', mx: [state.everywhere ? 'mailserver.purelymail.com' : 'mx.old-host.example'], purelymail: state.everywhere, error: null }], everywhere: state.everywhere }),
  };
  return { cutover, state };
}

// Issue 19 steps 1–3, 5, 6 and the cancel, over HTTP against the sandbox, the real local worker with the imapsync
// stand-in, and a FakeClock driving the local recurring scheduler (the DNS cutover is a fake: 19b's part).
describe('a domain move through the HTTP API', () => {
  let t: TestRuntime;
  let owner: ApiClient;
  let dataDir: string;
  const clock = new FakeClock();
  const dns = fakeDnsCutover();
  let batchId: string;
  let otherBatchId: string;

  const json = async <T>(res: Promise<Response> | Response, status: number): Promise<T> => {
    const r = await res;
    const text = await r.text();
    if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  const move = (domain = DOMAIN) => json<DomainMoveView>(owner.get(`/api/domains/${domain}/move`), 200);
  /** Signs in again: the FakeClock's hours end the session, and some steps want a password check from the last minutes. */
  const signIn = async () => expect((await owner.post('/api/auth/login', { email: OWNER, password: TEST_PASSWORD })).status).toBe(200);
  /** Moves the clock on (the local scheduler fires what came due at its next tick) and signs in again. */
  const advance = async (ms: number) => {
    clock.advance(ms);
    await signIn();
  };
  const outbox = () => {
    const dir = join(dataDir, 'outbox');
    const decode = (eml: string) => Buffer.from(eml.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
    return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.eml')).map((f) => decode(readFileSync(join(dir, f), 'utf8'))) : [];
  };
  /** Until pass `n` has queued a run of every mailbox not paused and every one of them has been counted. */
  const passCounted = (n: number) => waitFor(`pass ${n} counted`, async () => {
    const m = await move();
    return m.passesDone === n && m.mailboxes.every((mb) => mb.currentRunId === null && (mb.paused || mb.passes === n + 1)) && m;
  }, 60_000);
  const importBatch = async (rows: string[], name: string) => {
    const servers = await owner.json<{ servers: { id: string; name: string }[] }>(owner.get('/api/migrations/servers'));
    const id = (n: string) => servers.servers.find((s) => s.name === n)!.id;
    const csv = [HEADER, ...rows].join('\n');
    return (await json<ImportResult>(owner.post('/api/migrations/import', { csv, sourceServerId: id('Old host'), destServerId: id('PurelyMail lab'), batchName: name, mode: 'full', start: 'later' }), 201)).batch.id;
  };

  beforeAll(async () => {
    process.env.IMAPSYNC_STANDIN_FIXTURE = '01-success';
    process.env.IMAPSYNC_STANDIN_SPEED = '0';
    process.env.IMAPSYNC_STANDIN_FAIL_USER1 = 'carol@old.example';
    t = await startTestRuntime({ IMAPSYNC_COMMAND: STAND_IN, MIGRATION_HEARTBEAT_SECONDS: '1', LOCAL_SCHEDULE_TICK_MS: '40', DNS_TIER_INTERVAL_MINUTES: '0' }, clock, { dnsCutover: dns.cutover });
    dataDir = join(t.runtime.migrations.logDir, '..');
    owner = await t.setupOwner(OWNER);
    await json(owner.post('/api/migrations/servers', { name: 'Old host', host: '127.0.0.1', port: 1143, tls: 'none', verifyCert: false }), 201);
    await json(owner.post('/api/migrations/servers', { name: 'PurelyMail lab', host: '127.0.0.1', port: 2143, tls: 'none' }), 201);
    batchId = await importBatch(['ann', 'ben', 'carol'].map((u) => `${u}@old.example,old-${u}-pw,${u}@${DOMAIN},new-${u}-pw`), 'Lumen move');
    otherBatchId = await importBatch([`dan@old.example,old-dan-pw,dan@${OTHER},new-dan-pw`], 'Oakridge move');
  }, 60_000);
  afterAll(async () => {
    delete process.env.IMAPSYNC_STANDIN_FAIL_USER1;
    await t?.close();
  });

  it('refuses bad input and unknown domains with a sentence, and starts one move per domain when two requests race', async () => {
    const bad = await owner.post(`/api/domains/${DOMAIN}/move`, { source: { kind: 'batch', batchId }, syncEveryHours: 0 });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('syncEveryHours must be at least 1 hour');
    const missing = await owner.post('/api/domains/not-at-purelymail.example/move', { source: { kind: 'batch', batchId } });
    expect(missing.status).toBe(409);
    expect(await missing.text()).toContain('is not at PurelyMail yet');
    const wrongDomain = await owner.post(`/api/domains/northwind.example/move`, { source: { kind: 'batch', batchId } });
    expect(wrongDomain.status).toBe(400);
    expect(await wrongDomain.text()).toContain('None of the 3 jobs of this batch writes to a mailbox of northwind.example');
    expect((await owner.get(`/api/domains/${DOMAIN}/move`)).status).toBe(404);

    // Two admins click "Start the move" at once: one move, one clear refusal.
    const [a, b] = await Promise.all([0, 1].map(() => owner.post(`/api/domains/${DOMAIN}/move`, { source: { kind: 'batch', batchId } })));
    expect([a!.status, b!.status].sort()).toEqual([201, 409]);
    expect(await (a!.status === 409 ? a! : b!).text()).toMatch(/already in progress|started meanwhile/);
    const m = await move();
    expect(m).toMatchObject({ stage: 'prepare', syncEveryHours: 6, pauseAfterFailures: 3, batchId, oldMx: { hosts: ['mx.old-host.example'], ttlSeconds: 3600 } });
    expect(m.mailboxes.map((x) => x.address).sort()).toEqual(['ann@lumen.example', 'ben@lumen.example', 'carol@lumen.example']);
    expect(m.next.waitingFor).toContain('Lower the old MX record’s TTL (now 3600 s)');
    const list = await json<{ moves: DomainMove[] }>(owner.get('/api/domain-moves'), 200);
    expect(list.moves.map((x) => x.domain)).toEqual([DOMAIN]);
  });

  it('copies every mailbox in one batch (parallel clicks start it once), then schedules one recurring delta pass', async () => {
    const [a, b] = await Promise.all([0, 1].map(() => owner.post(`/api/domains/${DOMAIN}/move/copy`)));
    expect([a!.status, b!.status].sort()).toEqual([202, 409]);
    const synced = await waitFor('the copy to end', async () => {
      const m = await move();
      return m.stage === 'sync' && m.mailboxes.every((mb) => mb.currentRunId === null) && m;
    }, 60_000);
    expect(synced.rollup?.counts).toMatchObject({ total: 3, succeeded: 2, failed: 1 });
    expect(synced.schedule).toMatchObject({ name: 'move-lumen.example', everyMinutes: 360, purpose: 'pass' });
    expect(t.runtime.recurringScheduler.scheduled()).toEqual([{ name: 'move-lumen.example', everyMinutes: 360, nextAt: new Date(clock.now().getTime() + 6 * HOUR).toISOString() }]);
    const carol = synced.mailboxes.find((x) => x.address === 'carol@lumen.example')!;
    expect(carol).toMatchObject({ passes: 1, consecutiveFailures: 1, paused: false, lastRun: { state: 'failed', verdict: false } });
    const ann = synced.mailboxes.find((x) => x.address === 'ann@lumen.example')!;
    expect(ann).toMatchObject({ passes: 1, consecutiveFailures: 0, lastRun: { state: 'succeeded', verdict: true } });
    expect(ann.messagesCopied).toBeGreaterThan(0);
    expect(outbox().some((m) => m.includes('Move of lumen.example: Keep in sync'))).toBe(true);
  }, 90_000);

  it('runs a delta pass each time the clock passes the interval; a mailbox failing three passes in a row pauses with an email', async () => {
    await advance(6 * HOUR + 1000);
    let m = await passCounted(1);
    expect(m.mailboxes.find((x) => x.address === 'carol@lumen.example')).toMatchObject({ passes: 2, consecutiveFailures: 2, paused: false });
    expect(m.mailboxes.find((x) => x.address === 'ben@lumen.example')).toMatchObject({ passes: 2, consecutiveFailures: 0 });
    // Nothing more happens before the next interval.
    await new Promise((r) => setTimeout(r, 300));
    expect((await move()).passesDone).toBe(1);

    await advance(6 * HOUR + 1000);
    m = await passCounted(2);
    const carol = m.mailboxes.find((x) => x.address === 'carol@lumen.example')!;
    expect(carol).toMatchObject({ passes: 3, consecutiveFailures: 3, paused: true });
    expect(carol.pausedReason).toMatch(/^3 passes in a row failed/);
    const mail = await waitFor('pause email', async () => outbox().find((x) => x.includes('The last 3 passes of carol@lumen.example (the copy counts as one) failed')));
    expect(mail).toContain('resume the mailbox');
    expect(m.next.waitingFor).toContain('1 mailbox paused');

    // Resume: the failures start again from zero (the next pass runs it).
    const resumed = await json<DomainMove>(owner.post(`/api/domains/${DOMAIN}/move/mailboxes/carol@lumen.example/resume`), 200);
    expect(resumed.mailboxes.find((x) => x.address === 'carol@lumen.example')).toMatchObject({ paused: false, consecutiveFailures: 0, pausedReason: null });
    expect((await owner.post(`/api/domains/${DOMAIN}/move/mailboxes/carol@lumen.example/resume`)).status).toBe(409);
    const audit = await t.runtime.deps.audit.query({ action: 'domain_move', limit: 50 });
    const actions = audit.entries.map((e) => e.action);
    for (const a of ['domain_move.create', 'domain_move.copy.start', 'domain_move.schedule.create', 'domain_move.schedule.update', 'domain_move.pass.run', 'domain_move.mailbox.pause', 'domain_move.mailbox.resume']) expect(actions, a).toContain(a);
  }, 120_000);

  it('refuses to cancel after the switch; switches, watches DNS every 5 minutes and runs the final pass once MX switched everywhere and the old TTL passed', async () => {
    // A password check from the last minutes guards the DNS change.
    clock.advance(10 * 60_000);
    await signIn();
    clock.advance(6 * 60_000);
    const stale = await owner.post(`/api/domains/${DOMAIN}/move/dns/apply`, { confirm: true });
    expect(stale.status).toBe(401);
    await signIn();
    expect((await owner.post(`/api/domains/${DOMAIN}/move/dns/apply`, {})).status).toBe(400);
    const plan = await json<{ bind: string; provider: { kind: string } }>(owner.get(`/api/domains/${DOMAIN}/move/dns`), 200);
    expect(plan.bind).toContain('MX 10 mailserver.purelymail.com.');
    const switched = await json<DomainMove>(owner.post(`/api/domains/${DOMAIN}/move/dns/apply`, { confirm: true }), 200);
    expect(switched).toMatchObject({ stage: 'switch', dns: { applied: 'sandbox', savedRecords: true, switchedEverywhereAt: null }, schedule: { everyMinutes: 5, purpose: 'watch' } });
    expect(switched.dns.lastWatch?.resolvers).toHaveLength(2);
    expect(dns.state.applied).toBe(1);
    const cancel = await owner.post(`/api/domains/${DOMAIN}/move/cancel`);
    expect(cancel.status).toBe(409);
    expect(await cancel.text()).toContain('The DNS has already been switched, so the move can no longer be cancelled');
    // The final pass is refused while MX still points to the old host.
    const early = await owner.post(`/api/domains/${DOMAIN}/move/final`);
    expect(early.status).toBe(409);
    expect(await early.text()).toContain('MX does not point to PurelyMail everywhere yet (0 of 2 resolvers)');

    // Resolvers now answer PurelyMail: the next watch sees it, but the old TTL (1 h) has not passed since the switch.
    dns.state.everywhere = true;
    await advance(5 * 60_000 + 1000);
    const watched = await waitFor('the watch', async () => {
      const m = await move();
      return m.dns.switchedEverywhereAt ? m : undefined;
    });
    expect(watched.stage).toBe('switch');
    expect(watched.next.waitingFor).toContain("The old MX record's TTL has not passed yet");
    // An hour later the watch starts the final pass on its own; the schedule is deleted.
    await advance(HOUR);
    const final = await waitFor('the final pass to end', async () => {
      const m = await move();
      return m.stage === 'final' && m.lastPassAt !== null && m.lastPassAt >= m.finalPassAt! && m.mailboxes.every((mb) => mb.currentRunId === null) && m;
    }, 60_000);
    expect(final.schedule).toBeNull();
    expect(t.runtime.recurringScheduler.scheduled()).toEqual([]);
    const verdicts = Object.fromEntries(final.mailboxes.map((x) => [x.address, x.verdict]));
    // carol's final run failed at the source login: nothing is claimed about her mail.
    expect(verdicts).toEqual({ 'ann@lumen.example': 'all-present', 'ben@lumen.example': 'all-present', 'carol@lumen.example': 'unknown' });
    expect(final.next.action).toContain('Finish');
  }, 120_000);

  it('finishes: emails every moved user their settings, removes the schedule, reports every mailbox as CSV; cancel is refused with a sentence', async () => {
    await signIn();
    const done = await json<DomainMove>(owner.post(`/api/domains/${DOMAIN}/move/finish`), 200);
    expect(done.stage).toBe('finished');
    for (const u of ['ann', 'ben', 'carol']) {
      const mail = outbox().find((m) => m.includes(`To: ${u}@lumen.example`) && m.includes('has moved to PurelyMail'));
      expect(mail, u).toBeDefined();
      expect(mail).toContain('imap.purelymail.com, port 993, SSL/TLS');
      expect(mail).toContain('smtp.purelymail.com, port 465');
    }
    expect(outbox().some((m) => m.includes('Move of lumen.example: Finished'))).toBe(true);
    expect((await owner.post(`/api/domains/${DOMAIN}/move/finish`)).status).toBe(409);
    const cancel = await owner.post(`/api/domains/${DOMAIN}/move/cancel`);
    expect(cancel.status).toBe(409);
    expect(await cancel.text()).toContain('This move is finished; there is nothing to cancel.');

    const res = await owner.get(`/api/domains/${DOMAIN}/move/report.csv`);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const lines = parse(await res.text()) as string[][];
    expect(lines[0]).toEqual(['address', 'source_user', 'messages_copied', 'bytes_copied', 'passes', 'last_run_state', 'verdict', 'paused']);
    expect(lines).toHaveLength(4);
    const ann = lines.find((l) => l[0] === 'ann@lumen.example')!;
    expect(ann[1]).toBe('ann@old.example');
    expect(Number(ann[2])).toBeGreaterThan(0);
    expect(ann.slice(4)).toEqual(['4', 'succeeded', 'all-present', 'no']);
  }, 60_000);

  it('cancels before the switch: the schedule stops, nothing is deleted', async () => {
    await signIn();
    await json(owner.post(`/api/domains/${OTHER}/move`, { source: { kind: 'batch', batchId: otherBatchId }, syncEveryHours: 2 }), 201);
    await json(owner.post(`/api/domains/${OTHER}/move/copy`), 202);
    await waitFor('copy to end', async () => (await move(OTHER)).stage === 'sync', 60_000);
    expect(t.runtime.recurringScheduler.scheduled().map((s) => [s.name, s.everyMinutes])).toEqual([['move-oakridge.example', 120]]);
    const cancelled = await json<DomainMove>(owner.post(`/api/domains/${OTHER}/move/cancel`), 200);
    expect(cancelled).toMatchObject({ stage: 'cancelled', schedule: null });
    expect(t.runtime.recurringScheduler.scheduled()).toEqual([]);
    // The job and the batch are still there.
    const batch = await json<{ jobs: { id: string }[] }>(owner.get(`/api/migrations/batches/${otherBatchId}`), 200);
    expect(batch.jobs).toHaveLength(1);
    expect((await owner.post(`/api/domains/${OTHER}/move/cancel`)).status).toBe(409);
    // A cancelled move may be started again.
    await advance(2 * HOUR);
    expect((await move(OTHER)).passesDone).toBe(0);
    expect((await owner.post(`/api/domains/${OTHER}/move`, { source: { kind: 'batch', batchId: otherBatchId } })).status).toBe(201);
  }, 90_000);
});
