import type { CampaignDetail, CampaignLink, DomainMove, DomainMoveView, LaunchResult } from '@app/shared';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../support/api-client.ts';
import { FakeClock, startTestRuntime, TEST_PASSWORD, type TestRuntime } from '../support/test-runtime.ts';
import { startDovecot, type Dovecot } from '../migrations/dovecot.ts';
import { waitFor } from '../migrations/engine-fixture.ts';
import type { DnsCutover } from '../../src/modules/domain-moves/ports.ts';

const STAND_IN = join(import.meta.dirname, 'stand-in-by-user');
const DOMAIN = 'northwind.example';
const BOB = `Bob-${randomUUID()}`;
const OWNER = 'owner@example.com';

const cutover: DnsCutover = {
  oldMx: async () => ({ hosts: ['mx.old-host.example'], ttlSeconds: 600, readAt: new Date().toISOString() }),
  plan: async () => ({ bind: '', records: [], provider: null, changeSet: null }),
  apply: async () => Promise.reject(new Error('no provider manages this zone')),
  rollback: async () => undefined,
  watch: async () => ({ at: new Date().toISOString(), resolvers: [{ resolver: '127.0.0.1:53', mx: ['mailserver.purelymail.com'], purelymail: true, error: null }], everywhere: true }),
};

// Mailboxes from a campaign whose destination mailbox already exists at PurelyMail: the copy signs in with an app
// password the panel made (as the migrations module does), and Finish closes the campaign and deletes that app password.
describe('a domain move from a campaign', () => {
  let t: TestRuntime;
  let owner: ApiClient;
  let dovecot: Dovecot;
  let campaignId: string;
  let dataDir: string;
  const clock = new FakeClock();

  const json = async <T>(res: Promise<Response> | Response, status: number): Promise<T> => {
    const r = await res;
    const text = await r.text();
    if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  const signIn = async () => expect((await owner.post('/api/auth/login', { email: OWNER, password: TEST_PASSWORD })).status).toBe(200);
  const move = () => json<DomainMoveView>(owner.get(`/api/domains/${DOMAIN}/move`), 200);
  const outbox = () => {
    const dir = join(dataDir, 'outbox');
    return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.eml')).map((f) => readFileSync(join(dir, f), 'utf8').replace(/=\r\n/g, '')) : [];
  };

  beforeAll(async () => {
    process.env.IMAPSYNC_STANDIN_FIXTURE = '01-success';
    process.env.IMAPSYNC_STANDIN_SPEED = '0';
    dovecot = await startDovecot({ 'bob@old.example': BOB });
    t = await startTestRuntime({ IMAPSYNC_COMMAND: STAND_IN, MIGRATION_HEARTBEAT_SECONDS: '1', LOCAL_SCHEDULE_TICK_MS: '40', DNS_TIER_INTERVAL_MINUTES: '0' }, clock, { dnsCutover: cutover });
    dataDir = join(t.runtime.migrations.logDir, '..');
    owner = await t.setupOwner(OWNER);
    const source = await json<{ id: string }>(owner.post('/api/migrations/servers', { name: 'Old', host: '127.0.0.1', port: dovecot.port, tls: 'none', verifyCert: false }), 201);
    const dest = await json<{ id: string }>(owner.post('/api/migrations/servers', { name: 'PurelyMail', host: '127.0.0.1', port: dovecot.port, tls: 'none' }), 201);
    const created = await json<CampaignLink>(owner.post('/api/migrations/campaigns', { name: 'Northwind move', requester: 'IT', sourceServerId: source.id, destServerId: dest.id, destDomain: DOMAIN }), 201);
    campaignId = created.campaign.id;
    await json(owner.post(`/api/migrations/campaigns/${campaignId}/submissions`, { name: 'Bob', sourceEmail: 'bob@old.example', sourcePassword: BOB }), 201);
    const launched = await json<LaunchResult>(owner.post(`/api/migrations/campaigns/${campaignId}/launch`, { start: 'none' }), 201);
    expect(launched.jobIds).toHaveLength(1);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await dovecot?.stop();
  });

  it('copies with the panel’s app password, switches when the admin says they published, and finishes: campaign closed, app password deleted, user emailed', async () => {
    const created = await json<DomainMove>(owner.post(`/api/domains/${DOMAIN}/move`, { source: { kind: 'campaign', campaignId } }), 201);
    expect(created.mailboxes).toEqual([expect.objectContaining({ address: 'bob@northwind.example', sourceUser: 'bob@old.example', jobId: expect.any(String) })]);
    const appPasswords = () => t.runtime.sandbox!.state.users['bob@northwind.example']!.appPasswords.map((p) => p.name);
    expect(appPasswords()).toEqual(['PurelyManage migration job Northwind move: bob@old.example']);

    await json(owner.post(`/api/domains/${DOMAIN}/move/copy`), 202);
    await waitFor('the copy to end', async () => (await move()).stage === 'sync', 60_000);
    // The copy batch finished its round, but the move's passes still sign in with it: kept until Finish.
    expect(appPasswords()).toEqual(['PurelyManage migration job Northwind move: bob@old.example']);
    // Published by hand: nothing saved to roll back, the rollback shows what to publish instead.
    const switched = await json<DomainMove>(owner.post(`/api/domains/${DOMAIN}/move/dns/published`), 200);
    expect(switched).toMatchObject({ stage: 'switch', dns: { applied: 'self', savedRecords: false } });
    expect(switched.dns.switchedEverywhereAt).not.toBeNull();
    expect(switched.next.waitingFor).toContain("The old MX record's TTL has not passed yet");
    // Rolled back (published by hand, so the old MX is answered to publish again): back to delta passes, then switched again.
    const rollback = await json<{ restored: boolean; records: unknown[]; move: DomainMove }>(owner.post(`/api/domains/${DOMAIN}/move/dns/rollback`), 200);
    expect(rollback).toMatchObject({ restored: false, records: [{ type: 'MX', name: DOMAIN, value: 'mx.old-host.example', ttl: 600 }], move: { stage: 'sync', schedule: { purpose: 'pass', everyMinutes: 360 }, dns: { applied: null } } });
    expect((await owner.post(`/api/domains/${DOMAIN}/move/dns/rollback`)).status).toBe(409);
    expect(await json<DomainMove>(owner.post(`/api/domains/${DOMAIN}/move/dns/published`), 200)).toMatchObject({ stage: 'switch', schedule: { purpose: 'watch' } });

    // The old TTL (10 min) passes: the next watch starts the final pass; the admin may also ask — one of the two wins.
    clock.advance(11 * 60_000);
    await signIn();
    const asked = await owner.post(`/api/domains/${DOMAIN}/move/final`);
    expect([202, 409]).toContain(asked.status);
    const final = await waitFor('the final pass to end', async () => {
      const m = await move();
      return m.stage === 'final' && m.lastPassAt !== null && m.lastPassAt >= m.finalPassAt! && m.mailboxes.every((mb) => mb.currentRunId === null) && m;
    }, 60_000);
    expect(final.mailboxes[0]).toMatchObject({ verdict: 'all-present', passes: 2 });

    const done = await json<DomainMove>(owner.post(`/api/domains/${DOMAIN}/move/finish`), 200);
    expect(done.stage).toBe('finished');
    expect(appPasswords()).toEqual([]);
    const campaign = await json<CampaignDetail>(owner.get(`/api/migrations/campaigns/${campaignId}`), 200);
    expect(campaign.campaign.deactivatedAt).not.toBeNull();
    expect(outbox().some((m) => m.includes('To: bob@northwind.example') && m.includes('has moved to PurelyMail'))).toBe(true);
    const audit = await t.runtime.deps.audit.query({ action: 'migration.app_password.delete', limit: 10 });
    expect(audit.entries.map((e) => [e.action, e.result])).toEqual([['migration.app_password.delete', 'ok']]);
  }, 120_000);
});
