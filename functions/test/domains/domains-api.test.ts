import { DnsHealthList, DomainDetail, DomainList, OWNERSHIP_NOT_VERIFIED } from '@app/shared';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SEED_DOMAINS, SEED_OWNERSHIP_CODE, SEED_PENDING_DOMAIN } from '../../src/local/purelymail-sandbox/sandbox-seed.ts';
import type { Sandbox } from '../../src/local/purelymail-sandbox/sandbox-server.ts';
import type { ApiClient } from '../support/api-client.ts';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

let t: TestRuntime;
let admin: ApiClient;
let sandbox: Sandbox;

/** The PurelyMail operations the sandbox received since the last clear, with their bodies. */
const sent = () => sandbox.requests().map((r) => ({ op: r.op, body: r.body }));
const sentOps = () => sent().map((r) => r.op);

beforeAll(async () => {
  t = await startTestRuntime();
  sandbox = t.runtime.sandbox!;
  admin = await t.setupOwner();
});
afterAll(() => t.close());
beforeEach(() => sandbox.clearRequests());

describe('domain list and detail', () => {
  it('fills an empty cache with one listDomains, then page loads never call PurelyMail', async () => {
    // Prepare: a fresh install has nothing cached.
    // Act
    const first = DomainList.parse(await admin.json(admin.get('/api/domains')));
    // Assess
    expect(sent()).toEqual(
      expect.arrayContaining([
        { op: 'listDomains', body: { includeShared: false } },
        { op: 'listUser', body: {} },
      ]),
    );
    expect(first.domains.map((d) => d.name)).toEqual(Object.values(SEED_DOMAINS).sort());
    expect(first.domains.find((d) => d.name === SEED_DOMAINS.healthy)).toMatchObject({
      users: 14,
      dnsSummary: { passesMx: true, passesSpf: true, passesDkim: true, passesDmarc: true },
      pendingDeletion: null,
    });
    expect(first.domains.find((d) => d.name === SEED_DOMAINS.missingDkim)!.dnsSummary.passesDkim).toBe(false);

    sandbox.clearRequests();
    await admin.get('/api/domains');
    await admin.get(`/api/domains/${SEED_DOMAINS.missingDkim}`); // may ask getOwnershipCode once, never DNS
    expect(sentOps().filter((op) => op !== 'getOwnershipCode')).toEqual([]);
  });

  it('serves the ownership code behind auth, from getOwnershipCode', async () => {
    expect((await t.anonymous().get('/api/domains/ownership-code')).status).toBe(401);
    const res = await admin.get('/api/domains/ownership-code');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ code: SEED_OWNERSHIP_CODE, source: 'purelymail', expectedShape: true });
  });

  it('shows the six records with expected values, PurelyMail verdict and what is published', async () => {
    const detail = DomainDetail.parse(await admin.json(admin.get(`/api/domains/${SEED_DOMAINS.missingDkim}`)));
    expect(detail.report.records.map((r) => [r.kind, r.type, r.host])).toEqual([
      ['ownership', 'TXT', 'oakridge.example'],
      ['mx', 'MX', 'oakridge.example'],
      ['spf', 'TXT', 'oakridge.example'],
      ['dkim1', 'CNAME', 'purelymail1._domainkey.oakridge.example'],
      ['dkim2', 'CNAME', 'purelymail2._domainkey.oakridge.example'],
      ['dkim3', 'CNAME', 'purelymail3._domainkey.oakridge.example'],
      ['dmarc', 'CNAME', '_dmarc.oakridge.example'],
    ]);
    const dkim = detail.report.records.find((r) => r.kind === 'dkim1')!;
    expect(dkim).toMatchObject({ expectedValue: 'key1.dkimroot.purelymail.com', purelymailVerdict: false, status: 'missing', published: [] });
    expect(detail.report.records.find((r) => r.kind === 'ownership')).toMatchObject({ expectedValue: SEED_OWNERSHIP_CODE, status: 'ok' });
    expect(detail.domain).toMatchObject({ name: SEED_DOMAINS.missingDkim, users: 8 });
  });

  it('explains two SPF records in plain words', async () => {
    const detail = DomainDetail.parse(await admin.json(admin.get(`/api/domains/${SEED_DOMAINS.doubleSpf}`)));
    const spf = detail.report.records.find((r) => r.kind === 'spf')!;
    expect(spf.status).toBe('wrong');
    expect(spf.problems.map((p) => p.code)).toContain('spf_multiple');
  });

  it('answers 404 for a domain that is not on the account and 400 for a malformed name', async () => {
    expect((await admin.get('/api/domains/unknown.example')).status).toBe(404);
    const bad = await admin.get('/api/domains/not_a_domain');
    expect(bad.status).toBe(400);
    expect(sent()).toEqual([]);
  });
});

describe('adding a domain', () => {
  const NEW = 'newco.example';

  it('shows the exact TXT record to publish when ownership fails, then succeeds once DNS has it', async () => {
    // Act: nothing is published yet.
    const refused = await admin.post('/api/domains', { name: ' NewCo.Example. ' });
    // Assess
    expect(refused.status).toBe(409);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(OWNERSHIP_NOT_VERIFIED);
    expect(body.error.message).toContain(`TXT record at ${NEW}`);
    expect(body.error.message).toContain(SEED_OWNERSHIP_CODE);
    expect(body.error.message).toContain('finds no ownership record');
    expect(sent().filter((r) => r.op === 'addDomain')).toEqual([{ op: 'addDomain', body: { domainName: NEW } }]);

    // Prepare: the admin publishes the record.
    sandbox.dns.replaceZone(NEW, [{ name: '@', type: 'TXT', value: SEED_OWNERSHIP_CODE }]);
    sandbox.clearRequests();
    // Act
    const added = await admin.post('/api/domains', { name: NEW });
    // Assess
    expect(added.status).toBe(201);
    expect(await added.json()).toMatchObject({ name: NEW, users: 0, allowAccountReset: true, symbolicSubaddressing: true, dnsSummary: { passesMx: false } });
    expect(sent()).toEqual([
      { op: 'addDomain', body: { domainName: NEW } },
      { op: 'listDomains', body: { includeShared: false } },
    ]);
    sandbox.clearRequests();
    const list = DomainList.parse(await admin.json(admin.get('/api/domains')));
    expect(list.domains.map((d) => d.name)).toContain(NEW);
    expect(sent()).toEqual([]);
    // DNS health tracks it at once: never checked, due in the next tier run.
    const health = (await admin.json(admin.get('/api/dns-health'))) as { domains: { domain: string; status: string; nextCheckAt: string }[] };
    expect(health.domains.find((d) => d.domain === NEW)).toMatchObject({ status: 'unchecked' });
    expect(Date.parse(health.domains.find((d) => d.domain === NEW)!.nextCheckAt)).toBeLessThanOrEqual(Date.now());
  });

  it('says a domain is already on the account in words', async () => {
    const res = await admin.post('/api/domains', { name: SEED_DOMAINS.healthy });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: { code: 'domain_exists', message: `${SEED_DOMAINS.healthy} is already on your PurelyMail account.` } });
  });

  it('refuses a malformed name or unknown fields without calling PurelyMail', async () => {
    const bad = await admin.post('/api/domains', { name: 'no spaces.com' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { fields: [{ path: 'name' }] } });
    expect((await admin.post('/api/domains', { name: SEED_PENDING_DOMAIN, extra: 1 })).status).toBe(400);
    expect(sent()).toEqual([]);
  });

  it('reports a lost answer as a clear 503, after checking it did not take effect, and adds nothing', async () => {
    sandbox.injectFault({ op: 'addDomain', status: 502 });
    const res = await admin.post('/api/domains', { name: SEED_PENDING_DOMAIN });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({
      error: { code: 'purelymail_write_not_done', message: 'PurelyMail answered with an error (HTTP 502) instead of a result; it did not take effect (checked just now). Nothing was changed; try again.' },
    });
    expect(Object.keys(sandbox.state.domains)).not.toContain(SEED_PENDING_DOMAIN);
  });
});

describe('domain settings and DNS re-check', () => {
  it('sends updateDomainSettings with name and only the changed flag, then re-lists', async () => {
    const res = await admin.put(`/api/domains/${SEED_DOMAINS.fresh}/settings`, { symbolicSubaddressing: false });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: SEED_DOMAINS.fresh, symbolicSubaddressing: false, allowAccountReset: true });
    expect(sent()).toEqual([
      { op: 'updateDomainSettings', body: { name: SEED_DOMAINS.fresh, symbolicSubaddressing: false } },
      { op: 'listDomains', body: { includeShared: false } },
    ]);
  });

  it('refuses an empty change and an unknown domain before PurelyMail', async () => {
    expect((await admin.put(`/api/domains/${SEED_DOMAINS.fresh}/settings`, {})).status).toBe(400);
    expect((await admin.put('/api/domains/unknown.example/settings', { allowAccountReset: false })).status).toBe(404);
    expect(sent()).toEqual([]);
  });

  it('re-checks DNS with recheckDns:true, a fresh list and our own lookups', async () => {
    // Prepare: the admin publishes every record for the fresh domain; PurelyMail has not looked yet.
    const d = SEED_DOMAINS.fresh;
    sandbox.dns.replaceZone(d, [
      { name: '@', type: 'TXT', value: SEED_OWNERSHIP_CODE },
      { name: '@', type: 'TXT', value: 'v=spf1 include:_spf.purelymail.com ~all' },
      { name: '@', type: 'MX', value: 'mailserver.purelymail.com', priority: 10 },
      ...[1, 2, 3].map((i) => ({ name: `purelymail${i}._domainkey`, type: 'CNAME' as const, value: `key${i}.dkimroot.purelymail.com` })),
      { name: '_dmarc', type: 'CNAME', value: 'dmarcroot.purelymail.com' },
    ]);
    const before = DomainDetail.parse(await admin.json(admin.get(`/api/domains/${d}`)));
    expect(before.report.records.every((r) => r.status === 'ok')).toBe(true);
    expect(before.report.records.find((r) => r.kind === 'mx')!.purelymailVerdict).toBe(false);
    sandbox.clearRequests();

    // Act
    const res = await admin.post(`/api/domains/${d}/recheck-dns`);

    // Assess
    expect(res.status).toBe(200);
    const after = DomainDetail.parse(await res.json());
    expect(after.domain.dnsSummary).toEqual({ passesMx: true, passesSpf: true, passesDkim: true, passesDmarc: true });
    expect(after.report.records.filter((r) => r.kind !== 'ownership').every((r) => r.purelymailVerdict === true)).toBe(true);
    expect(sent().filter((r) => r.op !== 'getOwnershipCode')).toEqual([
      { op: 'updateDomainSettings', body: { name: d, recheckDns: true } },
      { op: 'listDomains', body: { includeShared: false } },
    ]);
    // Kept with the domain's DNS health, so "Last checked" shows it after a reload (issue 17 item 9).
    const health = DnsHealthList.parse(await admin.json(admin.get('/api/dns-health'))).domains.find((h) => h.domain === d);
    expect(health?.lastManualCheckAt).toBe(after.report.checkedAt);
    expect(health?.lastManualCheckAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  });
});

describe('deleting a domain', () => {
  it('refuses while users remain, with the count from a fresh listUser, and sends no deleteDomain', async () => {
    const res = await admin.del(`/api/domains/${SEED_DOMAINS.healthy}`);
    expect(res.status).toBe(409);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('domain_has_users');
    expect(body.error.message).toContain('still has 14 users');
    expect(sent().map((r) => r.op).sort()).toEqual(['listDomains', 'listUser']);
    expect(sent().find((r) => r.op === 'listUser')!.body).toEqual({});
  });

  it('counts a user created outside the panel (the cache does not know it)', async () => {
    sandbox.dns.replaceZone('solo.example', [{ name: '@', type: 'TXT', value: SEED_OWNERSHIP_CODE }]);
    expect((await admin.post('/api/domains', { name: 'solo.example' })).status).toBe(201);
    // Another tool creates a user straight at PurelyMail: the panel's cache does not know it.
    const created = await fetch(`${sandbox.url}/api/v0/createUser`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Purelymail-Api-Token': sandbox.token },
      body: JSON.stringify({ userName: 'ghost', domainName: 'solo.example', password: 'a-long-password-1' }),
    });
    expect(((await created.json()) as { type: string }).type).toBe('success');
    const res = await admin.del('/api/domains/solo.example');
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('still has 1 user (ghost@solo.example)');
  });

  it('queues the deletion of an empty domain and shows it as pending', async () => {
    const res = await admin.del(`/api/domains/${SEED_DOMAINS.fresh}`);
    expect(res.status).toBe(202);
    const { action } = (await res.json()) as { action: { kind: string; target: string; status: string; requestedBy: string } };
    expect(action).toMatchObject({ kind: 'delete-domain', target: SEED_DOMAINS.fresh, status: 'pending', requestedBy: 'owner@example.com' });
    expect(sentOps()).not.toContain('deleteDomain');
    const list = DomainList.parse(await admin.json(admin.get('/api/domains')));
    expect(list.domains.find((d) => d.name === SEED_DOMAINS.fresh)!.pendingDeletion).toMatchObject({ requestedBy: 'owner@example.com' });
  });

  it('audits each request, with the reason when refused', async () => {
    const { entries } = (await admin.json(admin.get('/api/audit?action=domain.delete.request'))) as { entries: { result: string; target: string; reason?: string }[] };
    expect(entries.find((e) => e.target === SEED_DOMAINS.healthy)).toMatchObject({ result: 'failed', reason: expect.stringContaining('14 users') });
    expect(entries.find((e) => e.target === SEED_DOMAINS.fresh)).toMatchObject({ result: 'ok' });
  });
});
