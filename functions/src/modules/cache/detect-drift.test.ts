import { describe, expect, it } from 'vitest';
import type { ApiDomainInfo, RoutingRule } from '../purelymail/purelymail-types.ts';
import { describeDrift, detectDrift, summarizeDrift } from './detect-drift.ts';
import type { CacheSnapshot } from './ports.ts';

const domain = (name: string, symbolicSubaddressing = true): ApiDomainInfo => ({
  name,
  allowAccountReset: true,
  symbolicSubaddressing,
  isShared: false,
  dnsSummary: { passesMx: true, passesSpf: true, passesDkim: true, passesDmarc: true },
});
const rule = (id: number, targets = ['a@x.example']): RoutingRule => ({ id, domainName: 'x.example', prefix: false, matchUser: 'info', targetAddresses: targets, catchall: false });
const snapshot = (users: string[], domains: ApiDomainInfo[], rules: RoutingRule[]): CacheSnapshot => ({
  users: { addresses: users, syncedAt: 't', capped: users.length >= 1000, unreadable: 0 },
  domains: { domains, syncedAt: 't', unreadable: 0 },
  rules: { rules, syncedAt: 't', unreadable: 0 },
  credit: null,
});

describe('detectDrift', () => {
  it('reports users, domains and rules changed elsewhere', () => {
    const prev = snapshot(['a@x.example', 'b@x.example'], [domain('x.example'), domain('old.example')], [rule(1), rule(2)]);
    const changes = detectDrift(prev, {
      users: ['a@x.example', 'c@x.example'],
      domains: [{ ...domain('x.example', false), dnsSummary: { passesMx: false, passesSpf: true, passesDkim: true, passesDmarc: true } }, domain('new.example')],
      rules: [rule(1, ['z@x.example']), rule(3)],
    });
    expect(summarizeDrift(changes)).toBe('1 user created, 1 user deleted, 1 domain created, 1 domain deleted, 1 domain changed, 1 rule created, 1 rule deleted, 1 rule changed');
    expect(describeDrift(changes)).toContain('domain changed: x.example (allowAccountReset=true, symbolicSubaddressing=true → allowAccountReset=true, symbolicSubaddressing=false)');
    expect(describeDrift(changes)).toContain('rule changed: #1 (info@x.example → a@x.example → info@x.example → z@x.example)');
  });

  it('reports nothing on a first sync, for DNS health changes, or when a user list hit the cap', () => {
    const empty: CacheSnapshot = { users: null, domains: null, rules: null, credit: null };
    expect(detectDrift(empty, { users: ['a@x.example'], domains: [domain('x.example')], rules: [rule(1)] })).toEqual([]);
    const capped = Array.from({ length: 1000 }, (_, i) => `u${i}@x.example`);
    expect(detectDrift(snapshot(capped, [], []), { users: [...capped.slice(1), 'new@x.example'], usersCapped: true, domains: [], rules: [] })).toEqual([]);
    // A capped cache stays capped after our own deletion write-through shortened it: still a partial view.
    const shortened = { ...snapshot(capped.slice(1), [], []), users: { addresses: capped.slice(1), syncedAt: 't', capped: true, unreadable: 0 } };
    expect(detectDrift(shortened, { users: ['a@x.example'], domains: [], rules: [] })).toEqual([]);
  });

  it('reports no deletion from a list with items that could not be read (the entry may be one of them)', () => {
    const prev = snapshot(['a@x.example', 'b@x.example'], [domain('x.example'), domain('y.example')], [rule(1), rule(2)]);
    const next = { users: ['a@x.example'], domains: [domain('x.example')], rules: [rule(1)], unreadable: { users: 1, domains: 1, rules: 1 } };
    expect(detectDrift(prev, next)).toEqual([]);
    expect(summarizeDrift(detectDrift(prev, { ...next, unreadable: {} }))).toBe('1 user deleted, 1 domain deleted, 1 rule deleted');
  });
});
