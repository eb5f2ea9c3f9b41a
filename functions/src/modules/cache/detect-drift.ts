import type { ApiDomainInfo, RoutingRule } from '../purelymail/purelymail-types.ts';
import type { CacheSnapshot } from './ports.ts';

/** What a fresh read from PurelyMail holds, compared with the cache. */
export interface FreshLists {
  users: string[];
  domains: ApiDomainInfo[];
  rules: RoutingRule[];
  /** The user list reached PurelyMail's 1,000 cap. */
  usersCapped?: boolean;
  /** Items of each list that could not be read: an entry missing from such a list may only be unreadable. */
  unreadable?: { users?: number; domains?: number; rules?: number };
}

/** One change found in PurelyMail that the cache (kept up to date by every change we make) did not expect. */
export interface DriftChange {
  what: 'user' | 'domain' | 'rule';
  change: 'created' | 'deleted' | 'changed';
  name: string;
  detail?: string;
}

const describeRule = (r: RoutingRule): string =>
  `${r.catchall ? 'catch-all ' : ''}${r.prefix ? `${r.matchUser || ''}*` : r.matchUser}@${r.domainName} → ${r.targetAddresses.join(', ')}`;

function diffKeyed<T>(prev: T[], next: T[], keyOf: (x: T) => string, same: (a: T, b: T) => boolean) {
  const before = new Map(prev.map((x) => [keyOf(x), x]));
  const after = new Map(next.map((x) => [keyOf(x), x]));
  return {
    created: [...after.keys()].filter((k) => !before.has(k)).map((k) => after.get(k)!),
    deleted: [...before.keys()].filter((k) => !after.has(k)).map((k) => before.get(k)!),
    changed: [...after.keys()].filter((k) => before.has(k) && !same(before.get(k)!, after.get(k)!)).map((k) => [before.get(k)!, after.get(k)!] as const),
  };
}

/**
 * Compares the cache with what PurelyMail now reports. The panel writes every change it makes through to
 * the cache, so any difference was made elsewhere (PurelyMail's console, a script).
 * 1. A list never synced before has no baseline: nothing to report for it.
 * 2. Users are compared only when neither list hit PurelyMail's 1,000 cap (a capped list is a partial view).
 * 3. Domains: created/deleted, and changed settings (DNS health changes by itself and is not drift).
 * 4. Rules: created/deleted by id, changed when a field differs.
 * 5. A fresh list with items that could not be read reports no deletions: a missing entry may be one of them.
 */
export function detectDrift(prev: CacheSnapshot, next: FreshLists): DriftChange[] {
  const out: DriftChange[] = [];
  const unreadable = next.unreadable ?? {};
  if (prev.users && !prev.users.capped && !next.usersCapped) {
    const d = diffKeyed(prev.users.addresses, next.users, (a) => a.toLowerCase(), () => true);
    for (const a of d.created) out.push({ what: 'user', change: 'created', name: a });
    if (!unreadable.users) for (const a of d.deleted) out.push({ what: 'user', change: 'deleted', name: a });
  }
  if (prev.domains) {
    const settings = (x: ApiDomainInfo) => `allowAccountReset=${x.allowAccountReset}, symbolicSubaddressing=${x.symbolicSubaddressing}`;
    const d = diffKeyed(prev.domains.domains, next.domains, (x) => x.name.toLowerCase(), (a, b) => settings(a) === settings(b));
    for (const x of d.created) out.push({ what: 'domain', change: 'created', name: x.name });
    if (!unreadable.domains) for (const x of d.deleted) out.push({ what: 'domain', change: 'deleted', name: x.name });
    for (const [a, b] of d.changed) out.push({ what: 'domain', change: 'changed', name: b.name, detail: `${settings(a)} → ${settings(b)}` });
  }
  if (prev.rules) {
    const d = diffKeyed(prev.rules.rules, next.rules, (r) => String(r.id), (a, b) => describeRule(a) === describeRule(b));
    for (const r of d.created) out.push({ what: 'rule', change: 'created', name: `#${r.id}`, detail: describeRule(r) });
    if (!unreadable.rules) for (const r of d.deleted) out.push({ what: 'rule', change: 'deleted', name: `#${r.id}`, detail: describeRule(r) });
    for (const [a, b] of d.changed) out.push({ what: 'rule', change: 'changed', name: `#${b.id}`, detail: `${describeRule(a)} → ${describeRule(b)}` });
  }
  return out;
}

/** "2 users created, 1 rule deleted". */
export function summarizeDrift(changes: DriftChange[]): string {
  const counts = new Map<string, number>();
  for (const c of changes) counts.set(`${c.what}|${c.change}`, (counts.get(`${c.what}|${c.change}`) ?? 0) + 1);
  return [...counts]
    .map(([k, n]) => {
      const [what, change] = k.split('|');
      return `${n} ${what}${n === 1 ? '' : 's'} ${change}`;
    })
    .join(', ');
}

/** One line per change, e.g. "user created: bob@example.com". */
export const describeDrift = (changes: DriftChange[]): string =>
  changes.map((c) => `${c.what} ${c.change}: ${c.name}${c.detail ? ` (${c.detail})` : ''}`).join('; ');
