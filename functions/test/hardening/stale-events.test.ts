import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeAddDomain } from '../../src/modules/domains/add-domain.ts';
import { SKIPPED_STALE_AUDIT_ACTION } from '../../src/modules/pending-actions/pending-actions.ts';
import { ruleIdentity } from '../../src/modules/pending-actions/target-identity.ts';
import { startPendingFixture, type PendingFixture } from '../pending-actions/pending-fixture.ts';

const HOUR = 3600_000;
const by = 'owner@example.com';

// Checklist DA-3: scheduler events that arrive for a cancelled action, too early, for a target deleted and
// re-created since the request, or very late.
describe('stale, early, mismatched and late scheduler events', () => {
  let f: PendingFixture;
  beforeAll(async () => {
    f = await startPendingFixture();
    await f.refreshCache();
  });
  afterAll(() => f.close());
  beforeEach(() => f.sandbox.clearRequests());

  const request = (address: string) => f.pending.requestOnce({ kind: 'delete-user', target: address, label: `Delete user ${address}`, requestedBy: by });
  /** The `pending.skip` entries written for one action. */
  const skippedEntries = async (actionId: string) =>
    (await f.audit.query({ action: SKIPPED_STALE_AUDIT_ACTION, limit: 200 })).entries.filter((e) => e.id.startsWith(`pending:${actionId}:`));
  const executed = async (label: string) => (await f.executionEntries()).filter((e) => e.target === label);

  it('(a) an event for a cancelled action is a no-op, audited once however often it is replayed', async () => {
    const { action } = await request('hiro@northwind.example');
    await f.pending.cancel(action.id, by);
    f.clock.advance(25 * HOUR);
    for (let i = 0; i < 3; i++) expect(await f.pending.executeDue(action.id)).toBe('skipped');
    expect(await f.pending.sweep()).toBe(0);
    expect(f.deleteCalls('deleteUser')).toEqual([]);
    expect(await executed(action.label)).toEqual([]);
    expect((await f.store.get(action.id))?.status).toBe('cancelled');
    const skipped = await skippedEntries(action.id);
    expect(skipped).toEqual([
      expect.objectContaining({ id: `pending:${action.id}:skipped-stale:cancelled`, actor: 'system', action: 'pending.skip', target: action.label, result: 'ok' }),
    ]);
    expect(skipped[0]!.details).toMatch(/^Event ignored: the action was cancelled by owner@example\.com at .*Nothing was deleted\./);
  });

  it('(b) an event more than 60 s before executeAt does nothing, re-arms the schedule, and is audited once', async () => {
    const { action } = await request('ines@northwind.example');
    f.clock.advance(24 * HOUR - 61_000);
    expect(await f.pending.executeDue(action.id)).toBe('not-due');
    expect(await f.pending.executeDue(action.id)).toBe('not-due');
    expect(f.scheduler.scheduled()).toContain(action.id);
    // Within the scheduler's one-minute window: re-armed, not a stale event.
    f.clock.advance(31_000);
    expect(await f.pending.executeDue(action.id)).toBe('not-due');
    expect(f.deleteCalls('deleteUser')).toEqual([]);
    expect((await f.store.get(action.id))?.status).toBe('pending');
    const skipped = await skippedEntries(action.id);
    expect(skipped).toEqual([expect.objectContaining({ id: `pending:${action.id}:skipped-stale:early`, action: 'pending.skip', result: 'ok' })]);
    expect(skipped[0]!.details).toMatch(/61 s before the action was due; it will run when due\. Nothing was deleted\./);
    await f.pending.cancel(action.id, by);
  });

  it('(c) a user deleted and re-created since the request (seen by a sync) is left alone: one skipped-stale entry, the action cancelled by the system', async () => {
    const address = 'kamala@northwind.example';
    const { action } = await request(address);
    const requested = await f.store.get(action.id);
    expect(requested?.targetGeneration).toBe(await f.cache.firstSeen('users', address));
    expect(requested?.targetGeneration).toMatch(/^\d{4}-/);
    // Deleted in PurelyMail's console; our periodic sync sees it gone; then someone creates it again.
    await f.purelymail.deleteUser({ userName: address });
    f.clock.advance(HOUR);
    await f.refreshCache();
    await f.purelymail.createUser({ userName: 'kamala', domainName: 'northwind.example', password: 'a-new-person-password-1' });
    f.clock.advance(HOUR);
    await f.refreshCache();
    f.sandbox.clearRequests();

    f.clock.advance(23 * HOUR);
    expect(await f.pending.executeDue(action.id)).toBe('skipped');
    for (let i = 0; i < 2; i++) expect(await f.pending.executeDue(action.id)).toBe('skipped');
    expect(await f.pending.sweep()).toBe(0);
    expect(f.deleteCalls('deleteUser')).toEqual([]);
    expect(f.sandbox.state.users[address]).toBeDefined();
    const final = await f.store.get(action.id);
    expect(final).toMatchObject({ status: 'cancelled', cancelledBy: 'system' });
    expect(final?.reason).toMatch(/^Not carried out: the user kamala@northwind\.example was deleted and created again after this deletion was requested/);
    expect(await executed(action.label)).toEqual([]);
    const skipped = await skippedEntries(action.id);
    expect(skipped).toEqual([expect.objectContaining({ id: `pending:${action.id}:skipped-stale:recreated`, actor: 'system', action: 'pending.skip', result: 'ok' })]);
    expect(skipped[0]!.details).toContain('deleted and created again');
    // The admins hear that it did not run.
    const told = [...f.outbox().values()].filter((eml) => eml.includes('Not carried out: the user kamala@northwind.example'));
    expect(told).toHaveLength(2); // one per admin, once
  });

  it('(c) a user deleted outside and re-created through the panel before any sync is left alone too', async () => {
    const address = 'liam@northwind.example';
    const { action } = await request(address);
    await f.purelymail.deleteUser({ userName: address });
    await f.purelymail.createUser({ userName: 'liam', domainName: 'northwind.example', password: 'a-new-person-password-2' });
    f.clock.advance(HOUR);
    await f.cache.addUser(address, f.clock.now().toISOString()); // what the panel's create does after PurelyMail said yes
    f.sandbox.clearRequests();
    f.clock.advance(24 * HOUR);
    expect(await f.pending.executeDue(action.id)).toBe('skipped');
    expect(f.deleteCalls('deleteUser')).toEqual([]);
    expect(f.sandbox.requests().map((r) => r.op)).toEqual(['getUser']); // whether it exists: getUser, never listUser (capped at 1,000)
    expect(await skippedEntries(action.id)).toEqual([expect.objectContaining({ id: `pending:${action.id}:skipped-stale:recreated` })]);
  });

  it('(c) the same life still runs: a user merely synced again since the request is deleted once', async () => {
    const address = 'mei@northwind.example';
    const { action } = await request(address);
    f.clock.advance(HOUR);
    await f.refreshCache();
    f.clock.advance(24 * HOUR);
    expect(await f.pending.executeDue(action.id)).toBe('done');
    expect(f.deleteCalls('deleteUser')).toEqual([expect.objectContaining({ body: { userName: address } })]);
    expect(await skippedEntries(action.id)).toEqual([]);
  });

  it('(c) a domain deleted and added again since the request (seen by syncs) is left alone', async () => {
    const name = 'lumen.example';
    const { action } = await f.pending.requestOnce({ kind: 'delete-domain', target: name, label: `Delete domain ${name}`, requestedBy: by });
    expect((await f.store.get(action.id))?.targetGeneration).toBe(await f.cache.firstSeen('domains', name));
    await f.purelymail.deleteDomain({ name });
    f.clock.advance(HOUR);
    await f.refreshCache();
    await f.purelymail.addDomain({ domainName: name }); // added again in PurelyMail's console (its ownership TXT is still published)
    f.clock.advance(HOUR);
    await f.refreshCache();
    f.sandbox.clearRequests();
    f.clock.advance(23 * HOUR);
    expect(await f.pending.executeDue(action.id)).toBe('skipped');
    expect(await f.pending.executeDue(action.id)).toBe('skipped');
    expect(f.deleteCalls('deleteDomain')).toEqual([]);
    expect(f.sandbox.state.domains[name]).toBeDefined();
    expect(f.untracked).not.toContain(name);
    expect((await f.store.get(action.id))?.reason).toMatch(/^Not carried out: the domain lumen\.example was deleted and created again/);
    expect(await skippedEntries(action.id)).toEqual([expect.objectContaining({ id: `pending:${action.id}:skipped-stale:recreated` })]);
  });

  it('(c) a domain deleted outside and added again through the panel before any sync is left alone too', async () => {
    const name = 'lumen.example'; // its ownership TXT is published in the sandbox's DNS (the test above re-added it)
    await f.refreshCache();
    const { action } = await f.pending.requestOnce({ kind: 'delete-domain', target: name, label: `Delete domain ${name}`, requestedBy: by });
    await f.purelymail.deleteDomain({ name }); // deleted in PurelyMail's console; no sync sees it gone
    f.clock.advance(HOUR);
    const addDomain = makeAddDomain({ purelymail: f.purelymail, cache: f.cache, clock: f.clock, dnsLookup: { txt: async () => [] } as never, pendingActions: f.pending }, async () => ({ code: 'unused' }) as never);
    await addDomain(name); // the panel's "Add domain"
    expect(await f.cache.firstSeen('domains', name)).toBe(f.clock.now().toISOString());
    f.sandbox.clearRequests();
    f.clock.advance(23 * HOUR);
    expect(await f.pending.executeDue(action.id)).toBe('skipped');
    expect(f.deleteCalls('deleteDomain')).toEqual([]);
    expect(f.sandbox.state.domains[name]).toBeDefined();
    expect(await skippedEntries(action.id)).toEqual([expect.objectContaining({ id: `pending:${action.id}:skipped-stale:recreated` })]);
  });

  it('(c) a routing rule deleted and re-created (a new id for the same address) is reported stale, not "already gone"', async () => {
    const rule = (await f.purelymail.listRoutingRules()).rules.find((r) => r.id === 5)!;
    const { action } = await f.pending.requestOnce({ kind: 'delete-routing-rule', target: '5', label: 'press@bluefern.example → sam.former@bluefern.example', requestedBy: by });
    // Derived from the cache when the requester does not pass it.
    expect((await f.store.get(action.id))?.targetGeneration).toBe(ruleIdentity(rule));
    await f.purelymail.deleteRoutingRule({ routingRuleId: 5 });
    await f.purelymail.createRoutingRule({ domainName: rule.domainName, prefix: rule.prefix, matchUser: rule.matchUser, targetAddresses: ['someone.new@bluefern.example'] });
    const recreated = (await f.purelymail.listRoutingRules()).rules.find((r) => ruleIdentity(r) === ruleIdentity(rule))!;
    expect(recreated.id).not.toBe(5);
    f.sandbox.clearRequests();
    f.clock.advance(24 * HOUR);
    expect(await f.pending.executeDue(action.id)).toBe('skipped');
    expect(await f.pending.executeDue(action.id)).toBe('skipped');
    // Only ever by the old id, which PurelyMail no longer has: the new rule stays.
    expect(f.deleteCalls('deleteRoutingRule').map((r) => r.body)).toEqual([{ routingRuleId: 5 }]);
    expect(f.sandbox.state.rules.map((r) => r.id)).toContain(recreated.id);
    const final = await f.store.get(action.id);
    expect(final).toMatchObject({ status: 'cancelled', cancelledBy: 'system' });
    expect(final?.reason).toContain(`rule #${recreated.id} now matches the same address`);
    expect(await executed(action.label)).toEqual([]);
    expect(await skippedEntries(action.id)).toEqual([expect.objectContaining({ id: `pending:${action.id}:skipped-stale:recreated`, action: 'pending.skip' })]);
  });

  it('(d) an event 20 hours late executes once (documented policy), and a later replay is a no-op', async () => {
    const { action } = await request('jonas@northwind.example');
    f.clock.advance(44 * HOUR);
    expect(await f.pending.executeDue(action.id)).toBe('done');
    f.clock.advance(30 * HOUR);
    expect(await f.pending.executeDue(action.id)).toBe('skipped');
    expect(f.deleteCalls('deleteUser')).toEqual([expect.objectContaining({ body: { userName: 'jonas@northwind.example' } })]);
    expect(await executed(action.label)).toHaveLength(1);
    // A replay of a finished action is a duplicate delivery, not a stale event.
    expect(await skippedEntries(action.id)).toEqual([]);
  });
});
