import type { ApiDomainInfo, RoutingRule } from '../purelymail/purelymail-types.ts';

/**
 * What we last read from PurelyMail, with when. PurelyMail stays the source of truth.
 * `users.addresses` is always sorted by `compareAddresses` (the order the users page shows).
 * `unreadable`: items of that list PurelyMail returned that could not be read (left out of it).
 */
export interface CacheSnapshot {
  users: ({ addresses: string[]; syncedAt: string } & UserListMeta) | null;
  domains: { domains: ApiDomainInfo[]; syncedAt: string; unreadable: number } | null;
  rules: { rules: RoutingRule[]; syncedAt: string; unreadable: number } | null;
  credit: { credit: string; syncedAt: string } | null;
}

/**
 * How complete a user list is. `capped`: the listUser answer it came from reached PurelyMail's 1,000 cap, so
 * the account may have users the list does not show. It stays set through our own write-throughs (a user
 * deleted from a capped list does not make it complete) until a fresh listUser comes back under the cap.
 */
export interface UserListMeta {
  capped: boolean;
  unreadable: number;
}

export type CachePart = keyof CacheSnapshot;

/** The lists whose entries have no PurelyMail id: the cache tracks when each entry was first seen. */
export type TrackedPart = 'users' | 'domains';

/** The users page order: the one order every writer sorts by, so readers never sort 1,000 addresses. */
export const compareAddresses = (a: string, b: string): number => a.localeCompare(b);

export interface CacheStore {
  /** Reads the given lists (default: all four); a list not asked for comes back as null, like one never synced. */
  read(parts?: readonly CachePart[]): Promise<CacheSnapshot>;
  /**
   * Replace a list with a fresh PurelyMail listing. Users and domains keep each entry's first-seen time
   * (`firstSeen`) when it was already cached; an entry new to the cache gets `syncedAt`. A capped user list
   * also keeps the first-seen times of cached users it does not show (they may be past the cap, not gone).
   * `unreadable` is the listing's count of items left out (default 0).
   */
  putUsers(addresses: string[], syncedAt: string, meta: { capped: boolean; unreadable?: number | undefined }): Promise<void>;
  putDomains(domains: ApiDomainInfo[], syncedAt: string, unreadable?: number): Promise<void>;
  putRules(rules: RoutingRule[], syncedAt: string, unreadable?: number): Promise<void>;
  putCredit(credit: string, syncedAt: string): Promise<void>;
  /**
   * Write-through after a change the panel made, so the list shows it without a refresh and the next
   * refresh does not report it as drift. Each is one atomic update of the cached list (two admins never
   * lose each other's change); a missing list or an entry already there (or already gone) is a no-op.
   */
  /** A user the panel just created: listed, and its first-seen time reset to `at` (a new life, even if cached). */
  addUser(address: string, at?: string): Promise<void>;
  /** Many users the panel just created (a CSV import), in one update of the cached list. */
  addUsers(addresses: readonly string[], at?: string): Promise<void>;
  removeUser(address: string): Promise<void>;
  removeDomain(name: string): Promise<void>;
  removeRule(id: number): Promise<void>;
  /**
   * When the cache first saw this user (lower-cased address) or domain in its current life: the identity a
   * pending deletion records, since PurelyMail gives users and domains no id. `null`: not in the cached list
   * (gone, or never seen); `undefined`: not tracked (never synced, or cached before tracking existed).
   * Limit: a delete and re-create between two of our syncs, never seen by the panel, keeps the old time.
   */
  firstSeen(part: TrackedPart, name: string): Promise<string | null | undefined>;
}
