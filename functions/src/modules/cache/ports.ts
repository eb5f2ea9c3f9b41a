import type { ApiDomainInfo, RoutingRule } from '../purelymail/purelymail-types.ts';

/** What we last read from PurelyMail, with when. PurelyMail stays the source of truth. */
export interface CacheSnapshot {
  users: { addresses: string[]; syncedAt: string } | null;
  domains: { domains: ApiDomainInfo[]; syncedAt: string } | null;
  rules: { rules: RoutingRule[]; syncedAt: string } | null;
  credit: { credit: string; syncedAt: string } | null;
}

export type CachePart = keyof CacheSnapshot;

export interface CacheStore {
  /** Reads the given lists (default: all four); a list not asked for comes back as null, like one never synced. */
  read(parts?: readonly CachePart[]): Promise<CacheSnapshot>;
  putUsers(addresses: string[], syncedAt: string): Promise<void>;
  putDomains(domains: ApiDomainInfo[], syncedAt: string): Promise<void>;
  putRules(rules: RoutingRule[], syncedAt: string): Promise<void>;
  putCredit(credit: string, syncedAt: string): Promise<void>;
  /**
   * Write-through after a change the panel made, so the list shows it without a refresh and the next
   * refresh does not report it as drift. Each is one atomic update of the cached list (two admins never
   * lose each other's change); a missing list or an entry already there (or already gone) is a no-op.
   */
  addUser(address: string): Promise<void>;
  removeUser(address: string): Promise<void>;
  removeDomain(name: string): Promise<void>;
  removeRule(id: number): Promise<void>;
}
