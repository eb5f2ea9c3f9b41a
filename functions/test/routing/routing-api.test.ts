import { ROUTING_RULE_CONFLICT, RouteTrace, RoutingOverview, RoutingRuleView } from '@app/shared';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SEED_DOMAINS } from '../../src/local/purelymail-sandbox/sandbox-seed.ts';
import type { Sandbox } from '../../src/local/purelymail-sandbox/sandbox-server.ts';
import type { ApiClient } from '../support/api-client.ts';
import { FakeClock, startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

let t: TestRuntime;
let admin: ApiClient;
let sandbox: Sandbox;
const clock = new FakeClock();

const sent = () => sandbox.requests().map((r) => ({ op: r.op, body: r.body }));
const creates = () => sent().filter((r) => r.op === 'createRoutingRule');
const rulesNow = () => sandbox.state.rules;

beforeAll(async () => {
  t = await startTestRuntime({}, clock);
  sandbox = t.runtime.sandbox!;
  admin = await t.setupOwner();
  await admin.post('/api/sync'); // warm the cache so page loads are cache-only
});
afterAll(() => t.close());
beforeEach(() => sandbox.clearRequests());

async function createRule(body: unknown): Promise<{ status: number; json: unknown }> {
  const res = await admin.post('/api/routing/rules', body);
  return { status: res.status, json: await res.json() };
}

describe('routing overview', () => {
  it('lists every rule in words from the cache, with domains and users for autocomplete', async () => {
    const overview = RoutingOverview.parse(await admin.json(admin.get('/api/routing')));
    expect(sent()).toEqual([]);
    const byId = new Map(overview.rules.map((r) => [r.id, r]));
    expect(byId.get(1)).toMatchObject({ preset: 'exact', label: 'sales@northwind.example → alice@northwind.example, bob@northwind.example' });
    expect(byId.get(2)).toMatchObject({ preset: 'prefix', matches: 'any address at northwind.example starting with “support”' });
    expect(byId.get(3)).toMatchObject({ preset: 'catchall', matches: 'any address at northwind.example that is not a user' });
    expect(byId.get(7)).toMatchObject({ preset: 'any', matches: 'any address at pinecone.example' });
    expect(overview.domains).toContain(SEED_DOMAINS.fresh);
    expect(overview.users).toContain('alice@northwind.example');
  });
});

describe('creating rules from the four presets', () => {
  const D = SEED_DOMAINS.fresh; // no rules yet
  it('exact address', async () => {
    const r = await createRule({ domainName: D, preset: 'exact', matchUser: 'Info', targetAddresses: ['alice@northwind.example', ' Someone@Gmail.com '] });
    expect(r.status).toBe(201);
    expect(creates()).toEqual([
      { op: 'createRoutingRule', body: { domainName: D, prefix: false, matchUser: 'info', targetAddresses: ['alice@northwind.example', 'someone@gmail.com'], catchall: false } },
    ]);
    expect(RoutingRuleView.parse(r.json)).toMatchObject({ preset: 'exact', label: `info@${D} → alice@northwind.example, someone@gmail.com` });
    expect(sent().map((s) => s.op)).toEqual(expect.arrayContaining(['listDomains', 'listRoutingRules', 'createRoutingRule']));
  });

  it('addresses starting with a text', async () => {
    const r = await createRule({ domainName: D, preset: 'prefix', matchUser: 'support', targetAddresses: ['grace@northwind.example'] });
    expect(r.status).toBe(201);
    expect(creates()[0]!.body).toEqual({ domainName: D, prefix: true, matchUser: 'support', targetAddresses: ['grace@northwind.example'], catchall: false });
  });

  it('any address, users included', async () => {
    const r = await createRule({ domainName: D, preset: 'any', targetAddresses: ['ops@pinecone.example'] });
    expect(r.status).toBe(201);
    expect(creates()[0]!.body).toEqual({ domainName: D, prefix: true, matchUser: '', targetAddresses: ['ops@pinecone.example'], catchall: false });
  });

  it('any address that is not a user (catchall)', async () => {
    const r = await createRule({ domainName: SEED_DOMAINS.missingDkim, preset: 'catchall', targetAddresses: ['accounts@oakridge.example'] });
    expect(r.status).toBe(201);
    expect(creates()[0]!.body).toEqual({ domainName: SEED_DOMAINS.missingDkim, prefix: true, matchUser: '', targetAddresses: ['accounts@oakridge.example'], catchall: true });
    expect(RoutingRuleView.parse(r.json).matches).toBe('any address at oakridge.example that is not a user');
  });

  it('writes the new rules through to the cache', async () => {
    const overview = RoutingOverview.parse(await admin.json(admin.get('/api/routing')));
    expect(overview.rules.filter((r) => r.domainName === D).map((r) => r.preset).sort()).toEqual(['any', 'exact', 'prefix']);
    expect(sent()).toEqual([]);
  });
});

describe('conflicts and bad input never reach createRoutingRule', () => {
  it('names the rule a new one collides with (same domain + match + prefix)', async () => {
    const r = await createRule({ domainName: SEED_DOMAINS.healthy, preset: 'exact', matchUser: 'sales', targetAddresses: ['carmen@northwind.example'] });
    expect(r.status).toBe(409);
    expect(r.json).toMatchObject({ error: { code: ROUTING_RULE_CONFLICT, message: expect.stringContaining('sales@northwind.example → alice@northwind.example, bob@northwind.example') } });
    expect(creates()).toEqual([]);
  });

  it('treats a catchall and an any-address rule on one domain as a conflict', async () => {
    const r = await createRule({ domainName: SEED_DOMAINS.doubleSpf, preset: 'catchall', targetAddresses: ['ada@pinecone.example'] });
    expect(r.status).toBe(409);
    expect((r.json as { error: { message: string } }).error.message).toContain('only one rule for any address');
    expect(creates()).toEqual([]);
  });

  it('lets an exact rule and a prefix rule with the same text coexist', async () => {
    const r = await createRule({ domainName: SEED_DOMAINS.healthy, preset: 'prefix', matchUser: 'sales', targetAddresses: ['carmen@northwind.example'] });
    expect(r.status).toBe(201);
  });

  it.each([
    [{ domainName: SEED_DOMAINS.healthy, preset: 'exact', matchUser: 'x', targetAddresses: [] }, 'targetAddresses'],
    [{ domainName: SEED_DOMAINS.healthy, preset: 'exact', matchUser: 'x', targetAddresses: ['not an address'] }, 'targetAddresses.0'],
    [{ domainName: SEED_DOMAINS.healthy, preset: 'exact', matchUser: '', targetAddresses: ['a@b.co'] }, 'matchUser'],
    [{ domainName: SEED_DOMAINS.healthy, preset: 'any', matchUser: 'x', targetAddresses: ['a@b.co'] }, 'matchUser'],
    [{ domainName: SEED_DOMAINS.healthy, preset: 'exact', matchUser: 'a@b', targetAddresses: ['a@b.co'] }, 'matchUser'],
    [{ domainName: SEED_DOMAINS.healthy, preset: 'exact', matchUser: 'x', targetAddresses: ['a@b.co', 'A@b.co'] }, 'targetAddresses.1'],
    [{ domainName: SEED_DOMAINS.healthy, preset: 'everything', targetAddresses: ['a@b.co'] }, 'preset'],
  ])('refuses %j with a message on %s', async (body, field) => {
    const r = await createRule(body);
    expect(r.status).toBe(400);
    expect((r.json as { error: { fields: { path: string }[] } }).error.fields.map((f) => f.path)).toContain(field);
    expect(sent()).toEqual([]);
  });

  it('refuses a domain that is not on the account, on the domain field', async () => {
    const r = await createRule({ domainName: 'elsewhere.example', preset: 'exact', matchUser: 'x', targetAddresses: ['a@b.co'] });
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ error: { fields: [{ path: 'domainName', message: 'is not a domain on your PurelyMail account' }] } });
    expect(creates()).toEqual([]);
  });

  it('reports a PurelyMail failure clearly and leaves nothing half-made', async () => {
    const before = rulesNow().length;
    sandbox.injectFault({ op: 'createRoutingRule', status: 500 });
    const r = await createRule({ domainName: SEED_DOMAINS.healthy, preset: 'exact', matchUser: 'press', targetAddresses: ['mei@northwind.example'] });
    expect(r.status).toBe(503);
    expect(r.json).toMatchObject({ error: { code: 'purelymail_unavailable' } });
    expect(rulesNow()).toHaveLength(before);
  });
});

describe('editing a rule (delete + create)', () => {
  it('deletes by routingRuleId and creates the new rule', async () => {
    const r = await admin.put('/api/routing/rules/4', { domainName: SEED_DOMAINS.healthyNoSymbols, preset: 'exact', matchUser: 'info', targetAddresses: ['uma.patel@bluefern.example'] });
    expect(r.status).toBe(200);
    const rule = RoutingRuleView.parse(await r.json());
    expect(rule).toMatchObject({ matchUser: 'info', targetAddresses: ['uma.patel@bluefern.example'] });
    expect(rule.id).not.toBe(4);
    expect(sent().filter((s) => s.op === 'deleteRoutingRule' || s.op === 'createRoutingRule')).toEqual([
      { op: 'deleteRoutingRule', body: { routingRuleId: 4 } },
      { op: 'createRoutingRule', body: { domainName: SEED_DOMAINS.healthyNoSymbols, prefix: false, matchUser: 'info', targetAddresses: ['uma.patel@bluefern.example'], catchall: false } },
    ]);
  });

  it('restores the old rule when the create fails', async () => {
    // Prepare
    const old = rulesNow().find((x) => x.id === 6)!;
    sandbox.injectFault({ op: 'createRoutingRule', status: 500, count: 1 });
    // Act
    const r = await admin.put('/api/routing/rules/6', { domainName: SEED_DOMAINS.missingDkim, preset: 'exact', matchUser: 'billing', targetAddresses: ['vera@oakridge.example'] });
    // Assess
    expect(r.status).toBe(503);
    expect(((await r.json()) as { error: { message: string } }).error.message).toContain('Nothing was changed');
    expect(sent().filter((s) => s.op !== 'listDomains' && s.op !== 'listRoutingRules')).toEqual([
      { op: 'deleteRoutingRule', body: { routingRuleId: 6 } },
      { op: 'createRoutingRule', body: { domainName: SEED_DOMAINS.missingDkim, prefix: false, matchUser: 'billing', targetAddresses: ['vera@oakridge.example'], catchall: false } },
      { op: 'createRoutingRule', body: { domainName: old.domainName, prefix: old.prefix, matchUser: old.matchUser, targetAddresses: old.targetAddresses, catchall: old.catchall } },
    ]);
    const restored = rulesNow().filter((x) => x.domainName === SEED_DOMAINS.missingDkim && x.matchUser === 'billing');
    expect(restored).toHaveLength(1);
    expect(restored[0]).toMatchObject({ targetAddresses: old.targetAddresses, prefix: false, catchall: false });
    // The cache shows the restored rule too.
    const overview = RoutingOverview.parse(await admin.json(admin.get('/api/routing')));
    expect(overview.rules.find((x) => x.domainName === SEED_DOMAINS.missingDkim && x.matchUser === 'billing')!.targetAddresses).toEqual(old.targetAddresses);
  });

  it('refuses an edit into another rule’s slot, and a rule that is gone', async () => {
    const clash = await admin.put('/api/routing/rules/1', { domainName: SEED_DOMAINS.healthy, preset: 'prefix', matchUser: 'support', targetAddresses: ['a@b.co'] });
    expect(clash.status).toBe(409);
    expect((await admin.put('/api/routing/rules/999', { domainName: SEED_DOMAINS.healthy, preset: 'exact', matchUser: 'x', targetAddresses: ['a@b.co'] })).status).toBe(404);
    expect((await admin.put('/api/routing/rules/abc', { domainName: SEED_DOMAINS.healthy, preset: 'exact', matchUser: 'x', targetAddresses: ['a@b.co'] })).status).toBe(400);
    expect(sent().filter((s) => s.op === 'deleteRoutingRule' || s.op === 'createRoutingRule')).toEqual([]);
  });
});

describe('where does mail to this address go?', () => {
  it('follows the cached rules without calling PurelyMail', async () => {
    const trace = RouteTrace.parse(await admin.json(admin.get('/api/routing/trace?address=Sales@Northwind.example')));
    expect(trace.mailboxes.sort()).toEqual(['alice@northwind.example', 'bob@northwind.example']);
    const catchall = RouteTrace.parse(await admin.json(admin.get('/api/routing/trace?address=nobody@northwind.example')));
    expect(catchall.mailboxes).toEqual(['alice@northwind.example']);
    const user = RouteTrace.parse(await admin.json(admin.get('/api/routing/trace?address=carmen@northwind.example')));
    expect(user.mailboxes).toEqual(['carmen@northwind.example']);
    expect(sent()).toEqual([]);
  });

  it('refuses something that is not an address', async () => {
    const res = await admin.get('/api/routing/trace?address=hello');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { fields: [{ path: 'address' }] } });
  });
});

describe('deleting a rule goes through the pending queue (last: it moves the clock past every session)', () => {
  it('answers 404 for a rule that does not exist', async () => {
    expect((await admin.del('/api/routing/rules/999')).status).toBe(404);
  });
  it('queues it with the rule in words, then the executor sends deleteRoutingRule {routingRuleId}', async () => {
    const res = await admin.del('/api/routing/rules/5');
    expect(res.status).toBe(202);
    const { action } = (await res.json()) as { action: { kind: string; target: string; label: string } };
    expect(action).toMatchObject({ kind: 'delete-routing-rule', target: '5', label: 'press@bluefern.example → sam.former@bluefern.example' });
    expect(sent().map((s) => s.op)).not.toContain('deleteRoutingRule');
    const overview = RoutingOverview.parse(await admin.json(admin.get('/api/routing')));
    expect(overview.rules.find((r) => r.id === 5)!.pendingDeletion).not.toBeNull();
    expect((await admin.put('/api/routing/rules/5', { domainName: SEED_DOMAINS.healthyNoSymbols, preset: 'exact', matchUser: 'press', targetAddresses: ['a@b.co'] })).status).toBe(409);

    // The delay passes; the sweep runs the action.
    clock.advance(25 * 3600_000);
    await t.runtime.deps.pendingActions.sweep();
    expect(sent().filter((s) => s.op === 'deleteRoutingRule')).toEqual([{ op: 'deleteRoutingRule', body: { routingRuleId: 5 } }]);
    expect(rulesNow().some((r) => r.id === 5)).toBe(false);
  });

});
