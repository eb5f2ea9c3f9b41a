import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/local/purelymail-sandbox/sandbox-server.ts';
import { SEED_DOMAINS, SEED_PENDING_DOMAIN, SEED_USER_PASSWORD } from '../../src/local/purelymail-sandbox/sandbox-seed.ts';
import { body, type ApiClient } from '../support/api-client.ts';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

// Issue 13: each odd answer PurelyMail may give, fed through the real client (sandbox fault injection over
// HTTP) and judged by what the panel's pages then show. One odd item never takes a page down; an odd refusal is
// still a refusal; a write whose answer is lost is checked before it is reported.
const TIMEOUT_MS = 400;
const enc = encodeURIComponent;
const summary = { passesMx: true, passesSpf: true, passesDkim: true, passesDmarc: true };
const domainItem = (name: string, extra: Record<string, unknown> = {}) => ({ name, allowAccountReset: true, symbolicSubaddressing: true, isShared: false, dnsSummary: summary, ...extra });

describe('odd PurelyMail answers, as the pages show them', () => {
  let t: TestRuntime;
  let admin: ApiClient;
  let sandbox: Sandbox;
  const answer = (op: string, result: unknown) => sandbox.injectFault({ op, status: 200, body: JSON.stringify({ type: 'success', result }) });
  const ops = () => sandbox.requests().map((r) => r.op);

  beforeAll(async () => {
    t = await startTestRuntime({ PURELYMAIL_TIMEOUT_MS: String(TIMEOUT_MS) });
    admin = await t.setupOwner();
    sandbox = t.runtime.sandbox!;
    await t.runtime.pendingSwept;
  });
  afterAll(() => t.close());
  beforeEach(() => {
    sandbox.clearFaults();
    sandbox.clearRequests();
  });

  describe('lists with items that do not fit', () => {
    it('domains with a null or missing DNS summary: the rest of the list shows, with "2 could not be read"; logged once', async () => {
      // Prepare: PurelyMail's list with two odd domains among the real ones.
      const real = Object.keys(sandbox.state.domains).map((name) => domainItem(name));
      const { dnsSummary: _drop, ...missing } = domainItem('missing.example');
      answer('listDomains', { domains: [...real, domainItem('null.example', { dnsSummary: null }), missing] });
      // Act
      expect((await admin.post('/api/sync')).status).toBe(200);
      const list = await admin.json<{ domains: { name: string }[]; unreadable: number }>(admin.get('/api/domains'));
      const dashboard = await admin.json<{ totals: { domains: number }; unreadable: { domains: number } }>(admin.get('/api/dashboard'));
      // Assess
      expect(list.unreadable).toBe(2);
      expect(list.domains.map((d) => d.name).sort()).toEqual(real.map((d) => d.name).sort());
      expect(dashboard).toMatchObject({ totals: { domains: real.length }, unreadable: { domains: 2 } });
      const warnings = t.logs.filter((l) => l.includes('could not be read'));
      expect(warnings).toHaveLength(1);
      expect(JSON.parse(warnings[0]!)).toMatchObject({ level: 'warn', operation: 'listDomains', field: expect.stringMatching(/^domains\[\d+\]\.dnsSummary$/) });
      // Nothing is lost: the next clean sync reads every domain again.
      expect((await admin.post('/api/sync')).status).toBe(200);
      expect((await admin.json<{ unreadable: number }>(admin.get('/api/domains'))).unreadable).toBe(0);
    });

    it('rules without catchall, with id 0 or above 2^53: the routing page lists the others and says 3 could not be read', async () => {
      const rules = sandbox.state.rules;
      const { catchall: _c, ...noCatchall } = { ...rules[0]!, id: 900 };
      const odd = JSON.stringify({ type: 'success', result: { rules: [...rules, noCatchall, { ...rules[1]!, id: 0 }, { ...rules[2]!, id: 'BIG' }] } }).replace('"BIG"', '18014398509481985');
      sandbox.injectFault({ op: 'listRoutingRules', status: 200, body: odd });
      expect((await admin.post('/api/sync')).status).toBe(200);
      const overview = await admin.json<{ rules: { id: number }[]; unreadable: number }>(admin.get('/api/routing'));
      expect(overview.unreadable).toBe(3);
      expect(overview.rules.map((r) => r.id).sort((a, b) => a - b)).toEqual(rules.map((r) => r.id));
      await admin.post('/api/sync');
    });

    it('a user name that is not a string: the users page lists the others and says 1 could not be read', async () => {
      const users = Object.keys(sandbox.state.users);
      answer('listUser', { users: [...users, { address: 'x@y.example' }] });
      await admin.post('/api/users/refresh');
      const list = await admin.json<{ users: string[]; unreadable: number; capped: boolean }>(admin.get('/api/users'));
      expect(list).toMatchObject({ unreadable: 1, capped: false });
      expect(list.users).toHaveLength(users.length);
      await admin.post('/api/users/refresh');
    });

    it('a user name that could not be read blocks a domain deletion: it may be a user of that domain', async () => {
      answer('listUser', { users: [...Object.keys(sandbox.state.users), 404] });
      const res = await admin.del(`/api/domains/${SEED_DOMAINS.fresh}`);
      expect(res.status).toBe(409);
      expect((await body(res)).error).toMatchObject({ code: 'domain_users_unknown', message: expect.stringContaining('PurelyMail returned 1 user name the panel could not read') });
      expect(ops()).not.toContain('deleteDomain');
    });

    it('recovery methods of another type or with a null description: the user opens, with "2 could not be read"', async () => {
      const address = 'alice@northwind.example';
      const method = { type: 'email', target: 'alice.home@example.net', description: 'Home', allowMfaReset: true };
      answer('getUser', {
        enableSearchIndexing: true,
        recoveryEnabled: true,
        requireTwoFactorAuthentication: false,
        enableSpamFiltering: true,
        resetMethods: [method, { ...method, type: 'totp', target: 'app' }, { ...method, target: 'n@example.net', description: null }],
      });
      const res = await admin.get(`/api/users/${enc(address)}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ resetMethods: [method], unreadableResetMethods: 2 });
    });
  });

  describe('the ownership code', () => {
    it('of another shape is shown as it is (flagged), not as an outage', async () => {
      answer('getOwnershipCode', { code: 'pm-verify 7Q2mK9' });
      const res = await admin.get('/api/domains/ownership-code');
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ code: 'pm-verify 7Q2mK9', source: 'purelymail', expectedShape: false });
    });
  });

  describe('refusals', () => {
    it('an error body whose code and message are not strings is a refusal (422 with what PurelyMail said), not an outage', async () => {
      sandbox.injectFault({ op: 'modifyUser', status: 200, body: JSON.stringify({ type: 'error', code: 42, message: { reason: 'locked' } }) });
      const res = await admin.put(`/api/users/${enc('bob@northwind.example')}`, { enableSearchIndexing: false });
      expect(res.status).toBe(422);
      expect((await body(res)).error).toMatchObject({ code: 'purelymail_42', message: 'PurelyMail refused: {"reason":"locked"}' });
      expect(sandbox.state.users['bob@northwind.example']!.enableSearchIndexing).toBe(true);
    });

    it('a 200 with a message and no result, for a call that returns nothing, is a failure: the password is not reported as set', async () => {
      const address = 'carmen@northwind.example';
      sandbox.injectFault({ op: 'modifyUser', status: 200, body: JSON.stringify({ message: 'Password does not meet the policy' }) });
      const res = await admin.post(`/api/users/${enc(address)}/password`, { newPassword: 'a perfectly long passphrase 9' });
      expect(res.status).toBe(422);
      expect((await body(res)).error.message).toBe('PurelyMail refused: Password does not meet the policy');
      expect(sandbox.verifyPassword(address, SEED_USER_PASSWORD)).toBe(true);
    });
  });

  describe('writes whose answer is lost are checked before they are reported', () => {
    it('addDomain timed out but took effect: added, and the admin is told', async () => {
      // PurelyMail carries it out, then its answer arrives after the client gave up.
      sandbox.injectFault({ op: 'addDomain', holdAnswerMs: TIMEOUT_MS * 4 });
      const res = await admin.post('/api/domains', { name: SEED_PENDING_DOMAIN });
      expect(res.status).toBe(201);
      expect(await res.json()).toMatchObject({ name: SEED_PENDING_DOMAIN, notice: 'PurelyMail did not answer in time; it did take effect.' });
      expect(ops().filter((op) => op === 'addDomain')).toHaveLength(1); // never sent twice
      const list = await admin.json<{ domains: { name: string }[] }>(admin.get('/api/domains'));
      expect(list.domains.map((d) => d.name)).toContain(SEED_PENDING_DOMAIN);
    });

    it('addDomain timed out and did not take effect: a 503 that says so', async () => {
      sandbox.dns.replaceZone('late.example', [{ name: 'late.example', type: 'TXT', value: sandbox.state.ownershipCode }]);
      sandbox.injectFault({ op: 'addDomain', delayMs: TIMEOUT_MS * 4, drop: true });
      const res = await admin.post('/api/domains', { name: 'late.example' });
      expect(res.status).toBe(503);
      expect((await body(res)).error).toMatchObject({
        code: 'purelymail_write_not_done',
        message: 'PurelyMail did not answer in time; it did not take effect (checked just now). Nothing was changed; try again.',
      });
      expect(sandbox.state.domains['late.example']).toBeUndefined();
      expect(ops()).toEqual(['addDomain', 'listDomains']);
    });

    it('"Re-check DNS now" timed out but took effect: the new verdict, and a notice', async () => {
      // Prepare: oakridge publishes its DKIM records now; PurelyMail still fails DKIM until it rechecks.
      const name = SEED_DOMAINS.missingDkim;
      const zone = sandbox.dns.list().filter((r) => r.name === name || r.name.endsWith(`.${name}`));
      sandbox.dns.replaceZone(name, [...zone, ...[1, 2, 3].map((i) => ({ name: `purelymail${i}._domainkey.${name}`, type: 'CNAME' as const, value: `key${i}.dkimroot.purelymail.com` }))]);
      sandbox.injectFault({ op: 'updateDomainSettings', holdAnswerMs: TIMEOUT_MS * 4 });
      // Act
      const res = await admin.post(`/api/domains/${name}/recheck-dns`);
      // Assess
      expect(res.status).toBe(200);
      const detail = (await res.json()) as { domain: { dnsSummary: { passesDkim: boolean } }; notice: string };
      expect(detail.domain.dnsSummary.passesDkim).toBe(true);
      expect(detail.notice).toBe("PurelyMail did not answer in time; it did take effect: PurelyMail's verdict changed.");
    });

    it('"Re-check DNS now" timed out and did not take effect: a 503 that says so', async () => {
      // Prepare: pinecone's second SPF record is gone, but PurelyMail's verdict still fails SPF.
      const name = SEED_DOMAINS.doubleSpf;
      const zone = sandbox.dns.list().filter((r) => (r.name === name || r.name.endsWith(`.${name}`)) && !r.value.includes('outlook'));
      sandbox.dns.replaceZone(name, zone);
      sandbox.injectFault({ op: 'updateDomainSettings', delayMs: TIMEOUT_MS * 4, drop: true });
      // Act
      const res = await admin.post(`/api/domains/${name}/recheck-dns`);
      // Assess
      expect(res.status).toBe(503);
      expect((await body(res)).error).toMatchObject({
        code: 'purelymail_write_not_done',
        message: "PurelyMail did not answer in time; it did not take effect: PurelyMail's verdict is unchanged and still differs from what is published. Try again in a minute.",
      });
      expect(sandbox.state.domains[name]!.dnsSummary.passesSpf).toBe(false);
    });
  });

  describe('editing a rule made elsewhere', () => {
    it.each([
      ['no targets', [] as string[]],
      ['targets that are not addresses', ['not-an-address', 'helpdesk']],
    ])('with %s: the old rule is put back exactly when the new one is refused', async (_what, targetAddresses) => {
      // Prepare: a rule created in PurelyMail's console (PurelyMail accepts these shapes).
      const matchUser = `elsewhere${targetAddresses.length}`;
      const made = await fetch(`${sandbox.url}/api/v0/createRoutingRule`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Purelymail-Api-Token': sandbox.token },
        body: JSON.stringify({ domainName: SEED_DOMAINS.healthyNoSymbols, prefix: false, matchUser, targetAddresses, catchall: false }),
      });
      expect(((await made.json()) as { type: string }).type).toBe('success');
      await admin.post('/api/sync');
      const old = sandbox.state.rules.find((r) => r.matchUser === matchUser)!;
      sandbox.clearRequests();
      sandbox.injectFault({ op: 'createRoutingRule', status: 200, body: JSON.stringify({ type: 'error', code: 'ruleInvalid', message: 'Rule refused' }) });
      // Act
      const res = await admin.put(`/api/routing/rules/${old.id}`, { domainName: SEED_DOMAINS.healthyNoSymbols, preset: 'exact', matchUser, targetAddresses: ['uma.patel@bluefern.example'] });
      // Assess: PurelyMail's refusal reaches the admin, and the old rule is back as it was (with a new id).
      expect(res.status).toBe(422);
      expect((await body(res)).error.message).toBe('PurelyMail refused: Rule refused');
      const back = sandbox.state.rules.filter((r) => r.matchUser === matchUser);
      expect(back).toHaveLength(1);
      expect(back[0]).toMatchObject({ domainName: old.domainName, prefix: false, catchall: false, targetAddresses });
      expect(ops().filter((op) => op === 'createRoutingRule')).toHaveLength(2);
    });
  });
});
