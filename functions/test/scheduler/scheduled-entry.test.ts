import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startLocalDynamo } from '../../src/adapters/dynamodb/local-dynalite.ts';
import { NodeDnsLookup } from '../../src/adapters/dns/node-dns-lookup.ts';
import { PurelyMailHttpClient } from '../../src/adapters/purelymail/purelymail-http-client.ts';
import { makeScheduledHandler, type ScheduledOutcome } from '../../src/entrypoints/scheduled.ts';
import { startDnsServer } from '../../src/local/dns-server/dns-server.ts';
import { startSandbox, type Sandbox } from '../../src/local/purelymail-sandbox/sandbox-server.ts';
import type { OutgoingEmail } from '../../src/modules/notifications/ports.ts';
import { createJsonLogger } from '../../src/platform/logger.ts';
import { buildTestCapabilities } from '../support/test-capabilities.ts';
import { FakeClock } from '../support/test-runtime.ts';

const TOKEN = 'scheduled-entry-token';
const resultOf = <T,>(o: ScheduledOutcome) => ('result' in o ? o.result : undefined) as T;
const HOUR = 3_600_000;

/**
 * The scheduled entry point with the real wiring (buildCapabilities) on dynalite and the PurelyMail sandbox,
 * invoked with the exact inputs our EventBridge schedules carry.
 */
describe('scheduled entry point', () => {
  let sandbox: Sandbox;
  let closers: (() => Promise<void>)[];
  let handler: ReturnType<typeof makeScheduledHandler>;
  let app: ReturnType<typeof buildTestCapabilities>;
  const clock = new FakeClock(Date.parse('2026-11-21T09:00:00Z'));
  const emails: OutgoingEmail[] = [];
  const logs: string[] = [];
  let mailerDown = false;
  const scheduled: string[] = [];

  beforeAll(async () => {
    const dynamo = await startLocalDynamo({ tableName: 'scheduled-entry' });
    sandbox = await startSandbox({ token: TOKEN, seed: true });
    const dns = await startDnsServer({ records: () => sandbox.dns.list() });
    closers = [dynamo.close, () => sandbox.close(), dns.close];
    app = buildTestCapabilities({
      table: dynamo.table,
      purelymail: new PurelyMailHttpClient({ baseUrl: sandbox.url, token: TOKEN, sleep: async () => {}, maxRetries: 0 }),
      clock,
      logger: createJsonLogger({ level: 'debug', write: (l) => logs.push(l) }),
      dnsLookup: new NodeDnsLookup({ servers: [dns.server], timeoutMs: 1_000, tries: 1 }),
      scheduler: { schedule: async (id) => void scheduled.push(id), cancel: async () => {} },
      // No 2FA here: the scheduled entry never seals or opens a TOTP secret.
      mfaSecretBox: { seal: () => Promise.reject(new Error('not used')), open: () => Promise.reject(new Error('not used')) },
      mailer: {
        send: async (e) => {
          if (mailerDown) throw new Error('SES throttled');
          emails.push(e);
        },
      },
    }, { sandbox: true, panelUrl: 'http://panel.test', config: { MAIL_FROM: 'panel@example.com', DNS_TIER_BATCH: 10 } });
    await app.stores.admins.create({ email: 'owner@example.com', name: 'Owner', role: 'owner', passwordHash: 'x', createdAt: clock.now().toISOString(), lastLoginAt: null });
    handler = makeScheduledHandler({ ...app.background, logger: app.deps.logger });
  });
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
  });
  beforeEach(() => {
    emails.length = 0;
    mailerDown = false;
    sandbox.clearRequests();
  });

  it('runs a due pending action once, however often the event is delivered', async () => {
    // Prepare
    const { action } = await app.deps.pendingActions.requestOnce({ kind: 'delete-user', target: 'noah@northwind.example', label: 'User noah@northwind.example', requestedBy: 'owner@example.com' });
    expect(scheduled).toContain(action.id);
    clock.advance(25 * HOUR);
    const event = { kind: 'pending-action', actionId: action.id };
    // Act: the Scheduler's retry and Lambda's async retry deliver it three times, two of them at once.
    const outcomes = [await handler(event), ...(await Promise.all([handler(event), handler({ ...event })]))];
    // Assess
    expect(outcomes.map((o) => resultOf<{ outcome: string }>(o).outcome).sort()).toEqual(['done', 'skipped', 'skipped']);
    expect(sandbox.requests().filter((r) => r.op === 'deleteUser')).toHaveLength(1);
    const audit = (await app.deps.audit.query({ limit: 50, action: 'pending.execute' })).entries;
    expect(audit.filter((a) => a.target === action.label)).toHaveLength(1);
  });

  it('logs and ignores an event for an unknown or already-finished action', async () => {
    await expect(handler({ kind: 'pending-action', actionId: 'pa-does-not-exist' })).resolves.toEqual({ kind: 'pending-action', result: { actionId: 'pa-does-not-exist', outcome: 'skipped' } });
    expect(sandbox.requests()).toHaveLength(0);
  });

  it('accepts the bare {actionId} input too', async () => {
    await expect(handler({ actionId: 'pa-bare' })).resolves.toMatchObject({ kind: 'pending-action' });
  });

  it.each([[null], ['pa-1'], [{}], [{ kind: 'reboot' }], [{ kind: 'pending-action' }], [{ kind: 'pending-action', actionId: '../etc/passwd' }], [{ kind: 'dns-tier', tier: 'weekly' }], [{ kind: 'job-sync' }], [{ kind: 'job-sync', jobId: '../x' }]])(
    'ignores input that is not ours without throwing: %j',
    async (event) => {
      const before = logs.length;
      await expect(handler(event)).resolves.toMatchObject({ kind: 'ignored' });
      expect(logs.slice(before).some((l) => l.includes('scheduled event ignored'))).toBe(true);
      expect(sandbox.requests()).toHaveLength(0);
    },
  );

  it("a job's sync firing whose schedule is gone removes it and starts nothing (never an error to retry)", async () => {
    await expect(handler({ kind: 'job-sync', jobId: 'job_gone0000001' })).resolves.toEqual({ kind: 'job-sync', result: { jobId: 'job_gone0000001', did: 'schedule removed: the job or its schedule is gone' } });
  });

  it('runs a DNS tier: never-checked domains are rechecked in one bounded batch', async () => {
    await app.background.refreshCache();
    sandbox.clearRequests();
    const out = await handler({ kind: 'dns-tier' });
    const result = resultOf<{ rechecked: string[]; added: string[] } | undefined>(out);
    expect(result?.added.length).toBe(sandbox.requests().filter((r) => r.op === 'updateDomainSettings').length);
    expect(sandbox.requests().filter((r) => r.op === 'listDomains')).toHaveLength(1);
    expect(result?.rechecked.sort()).toEqual(result?.added.sort());
    // A second run right after has nothing due: no PurelyMail call at all.
    sandbox.clearRequests();
    await handler({ kind: 'dns-tier', tier: 'new' });
    expect(sandbox.requests()).toHaveLength(0);
  });

  it('refreshes the cache and notifies a credit crossing once, even when delivered twice', async () => {
    sandbox.setCredit('1.50');
    const first = await handler({ kind: 'cache-refresh' });
    await handler({ kind: 'cache-refresh' });
    expect(first).toEqual({ kind: 'cache-refresh', result: { creditLevel: 'red' } });
    expect(emails.map((e) => [e.to, e.subject])).toEqual([['owner@example.com', 'PurelyMail credit critically low: $1.50']]);
  });

  it('sweeps: an email whose send failed is retried from the outbox, and only once', async () => {
    // Prepare: credit recovers, then falls to amber while SES is failing.
    sandbox.setCredit('50');
    await handler({ kind: 'cache-refresh' });
    sandbox.setCredit('3');
    mailerDown = true;
    await handler({ kind: 'cache-refresh' });
    expect(emails).toHaveLength(0);
    mailerDown = false;
    clock.advance(2 * 60_000);
    // Act
    const [a, b] = await Promise.all([handler({ kind: 'sweep' }), handler({ kind: 'sweep' })]);
    await handler({ kind: 'sweep' });
    // Assess
    expect(emails.map((e) => e.subject)).toEqual(['PurelyMail credit low: $3.00']);
    expect([a, b].map((o) => resultOf<{ outbox: { sent: number } }>(o).outbox.sent).sort()).toEqual([0, 1]);
  });
});
