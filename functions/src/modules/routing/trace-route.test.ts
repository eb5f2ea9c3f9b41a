import { describe, expect, it } from 'vitest';
import type { RoutingRule } from '../purelymail/purelymail-types.ts';
import { MAX_HOPS, pickRule, traceRoute, type RoutingWorld } from './trace-route.ts';

let nextId = 1;
const rule = (domainName: string, matchUser: string, prefix: boolean, targets: string[], catchall = false): RoutingRule => ({
  id: nextId++,
  domainName,
  matchUser,
  prefix,
  targetAddresses: targets,
  catchall,
});
const exact = (d: string, m: string, t: string[]) => rule(d, m, false, t);
const prefix = (d: string, m: string, t: string[]) => rule(d, m, true, t);
const any = (d: string, t: string[]) => rule(d, '', true, t);
const catchall = (d: string, t: string[]) => rule(d, '', true, t, true);

const world = (rules: RoutingRule[], users: string[], opts: { symbolic?: boolean; domains?: string[] } = {}): RoutingWorld => ({
  rules,
  users,
  domains: (opts.domains ?? ['x.com', 'y.org']).map((name) => ({ name, symbolicSubaddressing: opts.symbolic ?? false })),
});

describe('traceRoute', () => {
  it('delivers to a user when no rule matches', () => {
    const t = traceRoute('alice@x.com', world([], ['alice@x.com']));
    expect(t).toMatchObject({ mailboxes: ['alice@x.com'], external: [], bounced: [], loopDetected: false });
    expect(t.steps.map((s) => s.outcome)).toEqual(['mailbox']);
  });

  it('bounces an address on our domain that is neither a user nor matched', () => {
    const t = traceRoute('nobody@x.com', world([], ['alice@x.com']));
    expect(t).toMatchObject({ mailboxes: [], bounced: ['nobody@x.com'] });
  });

  it('sends mail for a foreign domain outside the account', () => {
    const t = traceRoute('someone@gmail.com', world([], []));
    expect(t).toMatchObject({ external: ['someone@gmail.com'], mailboxes: [], bounced: [] });
  });

  it('follows an exact rule to several targets, inside and outside the account', () => {
    const t = traceRoute('info@x.com', world([exact('x.com', 'info', ['a@x.com', 'b@z.org'])], ['a@x.com']));
    expect(t.mailboxes).toEqual(['a@x.com']);
    expect(t.external).toEqual(['b@z.org']);
    expect(t.steps[0]).toMatchObject({ outcome: 'rule', ruleMatches: 'info@x.com', targets: ['a@x.com', 'b@z.org'], depth: 0 });
    expect(t.steps.slice(1).map((s) => s.depth)).toEqual([1, 1]);
  });

  it('lets an exact rule beat a prefix rule and an any-address rule', () => {
    const rules = [any('x.com', ['all@y.org']), prefix('x.com', 'in', ['pre@y.org']), exact('x.com', 'info', ['ex@y.org'])];
    const t = traceRoute('info@x.com', world(rules, ['all@y.org', 'pre@y.org', 'ex@y.org']));
    expect(t.mailboxes).toEqual(['ex@y.org']);
  });

  it('picks the longest matching prefix', () => {
    // Targets live on y.org: on x.com the any-address rule would route them again.
    const rules = [prefix('x.com', 'sup', ['short@y.org']), prefix('x.com', 'support', ['long@y.org']), any('x.com', ['all@y.org'])];
    const users = ['short@y.org', 'long@y.org', 'all@y.org'];
    expect(traceRoute('support-eu@x.com', world(rules, users)).mailboxes).toEqual(['long@y.org']);
    expect(traceRoute('supper@x.com', world(rules, users)).mailboxes).toEqual(['short@y.org']);
    expect(traceRoute('other@x.com', world(rules, users)).mailboxes).toEqual(['all@y.org']);
  });

  it('never fires a catchall rule for an existing user', () => {
    const w = world([catchall('x.com', ['ops@x.com'])], ['alice@x.com', 'ops@x.com']);
    expect(traceRoute('alice@x.com', w).mailboxes).toEqual(['alice@x.com']);
    expect(traceRoute('ghost@x.com', w).mailboxes).toEqual(['ops@x.com']);
  });

  it('lets an any-address rule take mail away from a user mailbox', () => {
    const t = traceRoute('alice@x.com', world([any('x.com', ['ops@x.com'])], ['alice@x.com', 'ops@x.com']));
    // ops@x.com is matched by the same rule, whose target is ops@x.com itself: the address is stable there.
    expect(t.mailboxes).toEqual(['ops@x.com']);
    expect(t.loopDetected).toBe(false);
    expect(t.steps[0]!.note).toContain('takes the mail away');
  });

  it('keeps a copy in the mailbox when a rule lists the matched address itself', () => {
    const t = traceRoute('alice@x.com', world([exact('x.com', 'alice', ['alice@x.com', 'bob@y.org'])], ['alice@x.com', 'bob@y.org']));
    expect(t.mailboxes).toEqual(['alice@x.com', 'bob@y.org']);
    expect(t.loopDetected).toBe(false);
  });

  it('follows rules recursively until the address is stable', () => {
    const rules = [exact('x.com', 'a', ['b@x.com']), exact('x.com', 'b', ['c@y.org']), exact('y.org', 'c', ['d@y.org'])];
    const t = traceRoute('a@x.com', world(rules, ['d@y.org']));
    expect(t.mailboxes).toEqual(['d@y.org']);
    expect(t.steps.map((s) => [s.depth, s.outcome])).toEqual([
      [0, 'rule'],
      [1, 'rule'],
      [2, 'rule'],
      [3, 'mailbox'],
    ]);
  });

  it('detects a loop between two rules', () => {
    const rules = [exact('x.com', 'a', ['b@x.com']), exact('x.com', 'b', ['a@x.com'])];
    const t = traceRoute('a@x.com', world(rules, []));
    expect(t.loopDetected).toBe(true);
    expect(t.steps.at(-1)).toMatchObject({ outcome: 'loop', address: 'a@x.com' });
    expect(t.mailboxes).toEqual([]);
  });

  it('finds a loop through an any-address rule that forwards to another domain forwarding back', () => {
    const t = traceRoute('alice@x.com', world([any('x.com', ['ops@y.org']), any('y.org', ['desk@x.com'])], ['alice@x.com']));
    expect(t.loopDetected).toBe(true);
    expect(t.mailboxes).toEqual([]);
  });

  it('stops at the hop limit on a long chain', () => {
    const rules = Array.from({ length: MAX_HOPS + 5 }, (_, i) => exact('x.com', `u${i}`, [`u${i + 1}@x.com`]));
    const t = traceRoute('u0@x.com', world(rules, []));
    expect(t.loopDetected).toBe(true);
    expect(t.steps.at(-1)).toMatchObject({ outcome: 'loop', depth: MAX_HOPS + 1 });
  });

  it('strips a subaddress when symbolic subaddressing is on, and not when it is off', () => {
    const users = ['alice@x.com'];
    const on = traceRoute('alice+news@x.com', world([], users, { symbolic: true }));
    expect(on.mailboxes).toEqual(['alice@x.com']);
    expect(on.steps[0]).toMatchObject({ outcome: 'subaddress', targets: ['alice@x.com'] });
    const off = traceRoute('alice+news@x.com', world([], users, { symbolic: false }));
    expect(off.bounced).toEqual(['alice+news@x.com']);
  });

  it('lets a rule match the address as written before subaddress stripping', () => {
    const t = traceRoute('no-reply@x.com', world([exact('x.com', 'no-reply', ['drop@y.org'])], ['no@x.com', 'drop@y.org'], { symbolic: true }));
    expect(t.mailboxes).toEqual(['drop@y.org']);
  });

  it('compares addresses without regard to case', () => {
    const t = traceRoute(' Info@X.com ', world([exact('x.com', 'INFO', ['A@x.com'])], ['a@x.com']));
    expect(t.address).toBe('info@x.com');
    expect(t.mailboxes).toEqual(['a@x.com']);
  });

  it('treats users on domains missing from the list (shared domains) as ours', () => {
    const t = traceRoute('me@purelymail.com', world([], ['me@purelymail.com'], { domains: [] }));
    expect(t.mailboxes).toEqual(['me@purelymail.com']);
  });

  it('delivers once to a mailbox reached by two paths', () => {
    const rules = [exact('x.com', 'team', ['a@x.com', 'b@x.com']), exact('x.com', 'b', ['a@x.com'])];
    const t = traceRoute('team@x.com', world(rules, ['a@x.com']));
    expect(t.mailboxes).toEqual(['a@x.com']);
  });

  it('ignores rules of other domains', () => {
    const t = traceRoute('info@y.org', world([exact('x.com', 'info', ['a@x.com'])], []));
    expect(t.bounced).toEqual(['info@y.org']);
  });
});

describe('pickRule', () => {
  it('skips a catchall exact rule for a user and falls back to a prefix rule', () => {
    const r1 = rule('x.com', 'a', false, ['z@x.com'], true);
    const r2 = prefix('x.com', 'a', ['p@x.com']);
    expect(pickRule([r1, r2], 'x.com', 'a', true)).toBe(r2);
    expect(pickRule([r1, r2], 'x.com', 'a', false)).toBe(r1);
  });

  it('returns nothing when no rule matches', () => {
    expect(pickRule([exact('x.com', 'a', ['b@x.com'])], 'x.com', 'b', false)).toBeUndefined();
  });
});
