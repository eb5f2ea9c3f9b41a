import { RoutingOverview, RoutingRuleView, RulePreview } from '@app/shared';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SEED_DOMAINS } from '../../src/local/purelymail-sandbox/sandbox-seed.ts';
import type { Sandbox } from '../../src/local/purelymail-sandbox/sandbox-server.ts';
import { body, type ApiClient } from '../support/api-client.ts';
import { FakeClock, startTestRuntime, TEST_PASSWORD, type TestRuntime } from '../support/test-runtime.ts';

// Issue 17 item 3: the rule dialog's verdict (the route simulator, before saving) and the creator's instant undo.
let t: TestRuntime;
let owner: ApiClient;
let other: ApiClient;
let sandbox: Sandbox;
const clock = new FakeClock();
const N = SEED_DOMAINS.healthy; // northwind.example: users alice, bob, …; rules 1–3
const F = SEED_DOMAINS.fresh; // lumen.example: no rules

const preview = async (q: Record<string, string>) => {
  const res = await owner.get(`/api/routing/preview?${new URLSearchParams(q)}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return RulePreview.parse(await res.json());
};
const reauth = async (c: ApiClient) => expect((await c.post('/api/auth/reauth', { password: TEST_PASSWORD })).status).toBe(200);
const create = async (c: ApiClient, matchUser: string, targets = ['bob@northwind.example']) => {
  const res = await c.post('/api/routing/rules', { domainName: N, preset: 'exact', matchUser, targetAddresses: targets });
  expect(res.status, await res.clone().text()).toBe(201);
  return RoutingRuleView.parse(await res.json());
};
const auditOf = async (action: string) =>
  (await owner.json<{ entries: { action: string; actor: string; result: string; target: string; reason?: string }[] }>(owner.get(`/api/audit?action=${action}&limit=50`))).entries;

beforeAll(async () => {
  t = await startTestRuntime({}, clock);
  sandbox = t.runtime.sandbox!;
  owner = await t.setupOwner();
  expect((await owner.post('/api/admins', { email: 'ann@example.com', name: 'Ann', password: TEST_PASSWORD })).status).toBe(201);
  other = new (owner.constructor as new (url: string) => ApiClient)(owner.baseUrl);
  expect((await other.post('/api/auth/login', { email: 'ann@example.com', password: TEST_PASSWORD })).status).toBe(200);
  await owner.post('/api/sync');
});
afterAll(() => t.close());
beforeEach(() => sandbox.clearRequests());

describe('the rule dialog’s verdict (route simulator, before saving)', () => {
  it('a one-address rule on a mailbox: that mailbox stops receiving mail, with the trace', async () => {
    const p = await preview({ domainName: N, preset: 'exact', matchUser: 'carmen', targets: 'bob@northwind.example' });
    expect(p.losing).toEqual(['carmen@northwind.example']);
    expect(p.losingCount).toBe(1);
    expect(p.trace!.mailboxes).toEqual(['bob@northwind.example']);
    expect(p.trace!.steps[0]).toMatchObject({ outcome: 'rule', address: 'carmen@northwind.example' });
    expect(p.trace!.steps[0]!.note).toContain('takes the mail away from that mailbox');
    // Nothing was created, and the cache answered (no PurelyMail call).
    expect(sandbox.requests().map((r) => r.op)).toEqual([]);
  });

  it('keeping the address among the targets keeps the mailbox; a non-user address loses nothing', async () => {
    expect((await preview({ domainName: N, preset: 'exact', matchUser: 'carmen', targets: 'carmen@northwind.example,bob@northwind.example' })).losing).toEqual([]);
    const p = await preview({ domainName: N, preset: 'exact', matchUser: 'press', targets: 'bob@northwind.example' });
    expect(p.losing).toEqual([]);
    expect(p.trace!.mailboxes).toEqual(['bob@northwind.example']);
  });

  it('an any-address rule takes every mailbox on the domain; a catch-all takes none', async () => {
    const any = await preview({ domainName: N, preset: 'any', targets: 'ops@pinecone.example' });
    expect(any.losingCount).toBe(14);
    expect(any.losing).toContain('alice@northwind.example');
    expect(any.trace).toBeNull();
    expect((await preview({ domainName: F, preset: 'catchall', targets: 'ops@pinecone.example' })).losingCount).toBe(0);
  });

  it('a prefix rule takes the mailboxes starting with it, except where a more specific rule already decides', async () => {
    const p = await preview({ domainName: N, preset: 'prefix', matchUser: 'a', targets: 'bob@northwind.example' });
    expect(p.losing).toEqual(['alice@northwind.example']);
  });

  it('editing: the rule being replaced is left out of the world', async () => {
    // Rule 1 sends sales@ to alice and bob; replacing it with the same match loses nothing (sales is no user).
    expect((await preview({ domainName: N, preset: 'exact', matchUser: 'sales', targets: 'carmen@northwind.example', replacing: '1' })).trace!.mailboxes).toEqual([
      'carmen@northwind.example',
    ]);
  });

  it('refuses bad input with a 400 that names the field', async () => {
    const res = await owner.get('/api/routing/preview?domainName=northwind.example&preset=weird');
    expect(res.status).toBe(400);
    expect((await body(res)).error.fields?.[0]?.path).toBe('preset');
  });
});

describe('undoing a rule at once (creator, 15 minutes)', () => {
  it('the creator undoes it at once: deleted at PurelyMail, gone from the cache, audited', async () => {
    const rule = await create(owner, 'deepak');
    expect(Date.parse(rule.undoUntil!) - clock.now().getTime()).toBe(15 * 60_000);
    // The routing page knows it after a reload too, for this admin only.
    expect(RoutingOverview.parse(await owner.json(owner.get('/api/routing'))).rules.find((r) => r.id === rule.id)!.undoUntil).toBe(rule.undoUntil);
    expect(RoutingOverview.parse(await other.json(other.get('/api/routing'))).rules.find((r) => r.id === rule.id)!.undoUntil).toBeNull();
    clock.advance(14 * 60_000);
    sandbox.clearRequests();
    const res = await owner.post(`/api/routing/rules/${rule.id}/undo`);
    expect(res.status).toBe(200);
    expect(sandbox.requests().filter((r) => r.op === 'deleteRoutingRule').map((r) => r.body)).toEqual([{ routingRuleId: rule.id }]);
    expect(sandbox.state.rules.some((r) => r.id === rule.id)).toBe(false);
    expect(RoutingOverview.parse(await owner.json(owner.get('/api/routing'))).rules.some((r) => r.id === rule.id)).toBe(false);
    expect((await auditOf('routing.undo'))[0]).toMatchObject({ actor: 'owner@example.com', result: 'ok', target: 'deepak@northwind.example → bob@northwind.example' });
    // Again: nothing to undo.
    const again = await owner.post(`/api/routing/rules/${rule.id}/undo`);
    expect(again.status).toBe(409);
    expect((await body(again)).error.message).toMatch(/cannot be undone at once/);
  });

  it('two undos in parallel: exactly one deletes, the other gets a clear 409', async () => {
    await reauth(owner);
    const rule = await create(owner, 'elena');
    sandbox.clearRequests();
    const results = await Promise.all([owner.post(`/api/routing/rules/${rule.id}/undo`), owner.clone().post(`/api/routing/rules/${rule.id}/undo`), owner.clone().post(`/api/routing/rules/${rule.id}/undo`)]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409, 409]);
    for (const r of results.filter((x) => x.status === 409)) expect((await body(r)).error.message).toMatch(/already being undone|cannot be undone at once/);
    expect(sandbox.requests().filter((r) => r.op === 'deleteRoutingRule')).toHaveLength(1);
  });

  it('another admin cannot undo it (403), and after 15 minutes nobody can (409): the 24-hour queue then', async () => {
    await reauth(owner);
    const rule = await create(owner, 'farid');
    const byOther = await other.post(`/api/routing/rules/${rule.id}/undo`);
    expect(byOther.status).toBe(403);
    expect((await body(byOther)).error.message).toBe('Only owner@example.com, who created this rule, can undo it at once. Use Delete to schedule its deletion instead.');
    clock.advance(15 * 60_000 + 1_000);
    const late = await owner.post(`/api/routing/rules/${rule.id}/undo`);
    expect(late.status).toBe(409);
    expect((await body(late)).error.message).toMatch(/15 minutes to undo this rule at once have passed/);
    expect(sandbox.state.rules.some((r) => r.id === rule.id)).toBe(true);
    expect(RoutingOverview.parse(await owner.json(owner.get('/api/routing'))).rules.find((r) => r.id === rule.id)!.undoUntil).toBeNull();
    const failed = await auditOf('routing.undo');
    expect(failed.slice(0, 2).map((e) => e.result)).toEqual(['failed', 'failed']);
    expect(failed[0]!.reason).toMatch(/have passed/);
  });

  it('a seeded rule (not created in the panel) cannot be undone at once', async () => {
    const res = await owner.post('/api/routing/rules/1/undo');
    expect(res.status).toBe(409);
    expect(sandbox.state.rules.some((r) => r.id === 1)).toBe(true);
  });

  it('a PurelyMail failure during the undo gives the claim back: a retry works', async () => {
    await reauth(owner);
    const rule = await create(owner, 'ines');
    sandbox.injectFault({ op: 'deleteRoutingRule', status: 500 });
    expect((await owner.post(`/api/routing/rules/${rule.id}/undo`)).status).toBe(503);
    expect(sandbox.state.rules.some((r) => r.id === rule.id)).toBe(true);
    expect((await owner.post(`/api/routing/rules/${rule.id}/undo`)).status).toBe(200);
    expect(sandbox.state.rules.some((r) => r.id === rule.id)).toBe(false);
  });

  it('a rule edited since it was created is not undone at once (its id and match changed)', async () => {
    await reauth(owner);
    const rule = await create(owner, 'jonas');
    const edited = await owner.put(`/api/routing/rules/${rule.id}`, { domainName: N, preset: 'exact', matchUser: 'jonas2', targetAddresses: ['bob@northwind.example'] });
    expect(edited.status).toBe(200);
    const res = await owner.post(`/api/routing/rules/${rule.id}/undo`);
    expect(res.status).toBe(404);
  });
});
