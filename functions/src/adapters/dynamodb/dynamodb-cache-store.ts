import { randomBytes } from 'node:crypto';
import { isUserListCapped } from '@app/shared';
import { batchGetAll } from './batch-all.ts';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { compareAddresses, type CachePart, type CacheSnapshot, type CacheStore, type TrackedPart } from '../../modules/cache/ports.ts';
import type { ApiDomainInfo, RoutingRule } from '../../modules/purelymail/purelymail-types.ts';
import { isConditionalCheckFailed, type Table } from './table.ts';

const key = (sk: string) => ({ pk: 'CACHE', sk });
const ALL_PARTS: readonly CachePart[] = ['users', 'domains', 'rules', 'credit'];
const SORT_KEYS: Record<CachePart, string> = { users: 'USERS', domains: 'DOMAINS', rules: 'RULES', credit: 'CREDIT' };
/** Attributes of the first format (native lists), still read until the next write replaces the item. */
const LEGACY: Record<CachePart, string> = { users: 'addresses', domains: 'domains', rules: 'rules', credit: 'credit' };
/** The page reads skip `seen` (the first-seen map): only pending deletions need it. */
const READ_PROJECTION = {
  ProjectionExpression: '#sk, #json, #syncedAt, #rev, #capped, #unreadable, #l0, #l1, #l2, #l3',
  ExpressionAttributeNames: {
    '#sk': 'sk',
    '#json': 'json',
    '#syncedAt': 'syncedAt',
    '#rev': 'rev',
    '#capped': 'capped',
    '#unreadable': 'unreadable',
    '#l0': 'addresses',
    '#l1': 'domains',
    '#l2': 'rules',
    '#l3': 'credit',
  } as Record<string, string>,
};
/** A warm read checks only whether each list changed. */
const REV_PROJECTION = { ProjectionExpression: '#sk, #rev', ExpressionAttributeNames: { '#sk': 'sk', '#rev': 'rev' } as Record<string, string> };

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
}
const RETRIES = 8;

/** One cached list as stored: the value, when it was read from PurelyMail, and (users, domains) the first-seen map. */
interface Stored<T> {
  value: T;
  syncedAt: string;
  /** lower-cased address or domain name → first seen; undefined for an item written before tracking. */
  seen: Record<string, string> | undefined;
  rev: string | undefined;
  /** Users: the listing reached PurelyMail's cap. Items written before this was stored derive it from the length. */
  capped: boolean;
  /** Items of the listing that could not be read. */
  unreadable: number;
}

const newRev = () => randomBytes(8).toString('hex');
const lower = (s: string) => s.toLowerCase();

function decode<T>(part: CachePart, item: Record<string, unknown>): Stored<T> {
  const json = item.json;
  let value = (typeof json === 'string' ? JSON.parse(json) : item[LEGACY[part]]) as T;
  // The first format was in PurelyMail's order; this one is sorted when written.
  if (part === 'users' && typeof json !== 'string') value = [...(value as string[])].sort(compareAddresses) as T;
  const unreadable = typeof item.unreadable === 'number' ? item.unreadable : 0;
  return {
    value,
    syncedAt: item.syncedAt as string,
    seen: typeof item.seen === 'string' ? (JSON.parse(item.seen) as Record<string, string>) : undefined,
    rev: item.rev as string | undefined,
    capped: typeof item.capped === 'boolean' ? item.capped : part === 'users' && isUserListCapped((value as string[]).length + unreadable),
    unreadable,
  };
}

/**
 * The PurelyMail cache: one item per list (listUser caps at 1,000 names, ~40 kB, far under DynamoDB's 400 kB
 * item limit), so the users page is a single read.
 *
 * Each list is one JSON string attribute (`json`), users sorted at write time: a native list of 1,000 {S}
 * values cost the SDK and DynamoDB a marshalling step per element on every page load, and the page a sort.
 * Users and domains also carry `seen`, their first-seen map (see CacheStore.firstSeen), left out of page reads.
 * Every write is a read-modify-write conditional on the item's random `rev`, so two writers never lose each
 * other's change (and the first-seen map survives a refresh). Items of the first format (native lists, no
 * `rev`) are still read, and replaced by the first write.
 */
export function createDynamoCacheStore(table: Table): CacheStore {
  const { doc, name: TableName } = table;

  async function getStored<T>(part: CachePart): Promise<{ item: Record<string, unknown> | undefined; stored: Stored<T> | undefined }> {
    const item = (await doc.send(new GetCommand({ TableName, Key: key(SORT_KEYS[part]), ConsistentRead: true }))).Item;
    return { item, stored: item ? decode<T>(part, item) : undefined };
  }

  /**
   * Read, compute, write back if nobody wrote in between (else read again). `change` returns undefined for
   * "nothing to write".
   */
  async function update<T>(part: CachePart, change: (current: Stored<T> | undefined) => Omit<Stored<T>, 'rev'> | undefined): Promise<void> {
    for (let attempt = 0; attempt < RETRIES; attempt++) {
      const { item, stored } = await getStored<T>(part);
      const next = change(stored);
      if (!next) return;
      const condition = !item
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : stored?.rev
          ? { ConditionExpression: 'rev = :rev', ExpressionAttributeValues: { ':rev': stored.rev } }
          : { ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(rev)' };
      try {
        await doc.send(
          new PutCommand({
            TableName,
            Item: {
              ...key(SORT_KEYS[part]),
              json: JSON.stringify(next.value),
              syncedAt: next.syncedAt,
              rev: newRev(),
              capped: next.capped,
              unreadable: next.unreadable,
              ...(next.seen ? { seen: JSON.stringify(next.seen) } : {}),
            },
            ...condition,
          }),
        );
        return;
      } catch (err) {
        if (!isConditionalCheckFailed(err)) throw err;
      }
    }
    throw new Error(`The cached ${part} list kept changing while being written; the next refresh will correct it.`);
  }

  /**
   * The lists last read, by part, with the `rev` they were read at. Every write gives an item a new random
   * `rev`, so an equal `rev` read consistently now means the same content: a warm process checks the revs
   * (a few bytes each) and decodes again only what changed, instead of moving ~40 kB per page load. Values
   * are frozen because every caller shares them.
   */
  const decodedByPart = new Map<CachePart, Stored<unknown> & { rev: string }>();

  async function readParts(parts: readonly CachePart[]): Promise<Map<CachePart, Stored<unknown>>> {
    const out = new Map<CachePart, Stored<unknown>>();
    // Taken now: a read running at the same time may replace or drop an entry meanwhile.
    const known = parts.flatMap((part) => {
      const memo = decodedByPart.get(part);
      return memo ? [{ part, memo }] : [];
    });
    if (known.length > 0) {
      const revs = await batchGet(known.map((k) => k.part), REV_PROJECTION);
      for (const { part, memo } of known) {
        if (revs.get(SORT_KEYS[part])?.rev === memo.rev) out.set(part, memo);
        else if (decodedByPart.get(part) === memo) decodedByPart.delete(part); // changed or gone: read in full below
      }
    }
    const missing = parts.filter((p) => !out.has(p));
    if (missing.length > 0) {
      const items = await batchGet(missing, READ_PROJECTION);
      for (const part of missing) {
        const item = items.get(SORT_KEYS[part]);
        if (!item) continue;
        const stored = decode<unknown>(part, item);
        deepFreeze(stored.value);
        if (stored.rev) decodedByPart.set(part, { ...stored, rev: stored.rev });
        out.set(part, stored);
      }
    }
    return out;
  }

  async function batchGet(parts: readonly CachePart[], projection: typeof READ_PROJECTION): Promise<Map<string, Record<string, unknown>>> {
    // Unprocessed keys are asked again: a part missing from the answer would read as "never synced".
    const items = await batchGetAll(doc, TableName, parts.map((p) => key(SORT_KEYS[p])), { ConsistentRead: true, ...projection });
    return new Map(items.map((i) => [i.sk as string, i]));
  }

  /** Keeps the first-seen time of names still listed; a name new to the cache is first seen at `at`. */
  const carrySeen = (names: string[], previous: Record<string, string> | undefined, at: string) =>
    Object.fromEntries(names.map((n) => [lower(n), previous?.[lower(n)] ?? at]));

  const store: CacheStore = {
    async read(parts = ALL_PARTS) {
      const decoded = await readParts(parts);
      const get = <T>(part: CachePart) => decoded.get(part) as Stored<T> | undefined;
      const u = get<string[]>('users');
      const d = get<ApiDomainInfo[]>('domains');
      const r = get<RoutingRule[]>('rules');
      const c = get<string>('credit');
      const snapshot: CacheSnapshot = {
        users: u ? { addresses: u.value, syncedAt: u.syncedAt, capped: u.capped, unreadable: u.unreadable } : null,
        domains: d ? { domains: d.value, syncedAt: d.syncedAt, unreadable: d.unreadable } : null,
        rules: r ? { rules: r.value, syncedAt: r.syncedAt, unreadable: r.unreadable } : null,
        credit: c ? { credit: c.value, syncedAt: c.syncedAt } : null,
      };
      return snapshot;
    },
    putUsers: (addresses, syncedAt, meta) =>
      update<string[]>('users', (cur) => {
        const seen = carrySeen(addresses, cur?.seen, syncedAt);
        // A capped listing does not show every user: one it leaves out may be past the cap, not gone.
        const kept = meta.capped ? { ...cur?.seen, ...seen } : seen;
        return { value: [...addresses].sort(compareAddresses), syncedAt, seen: kept, capped: meta.capped, unreadable: meta.unreadable ?? 0 };
      }),
    putDomains: (domains, syncedAt, unreadable = 0) =>
      update<ApiDomainInfo[]>('domains', (cur) => ({ value: domains, syncedAt, seen: carrySeen(domains.map((d) => d.name), cur?.seen, syncedAt), capped: false, unreadable })),
    putRules: (rules, syncedAt, unreadable = 0) => update<RoutingRule[]>('rules', () => ({ value: rules, syncedAt, seen: undefined, capped: false, unreadable })),
    putCredit: (credit, syncedAt) => update<string>('credit', () => ({ value: credit, syncedAt, seen: undefined, capped: false, unreadable: 0 })),
    addUser: (address, at = new Date().toISOString()) =>
      update<string[]>('users', (cur) => {
        if (!cur) return undefined; // no cached list yet: the first refresh lists it
        const listed = cur.value.includes(address);
        // Created through the panel: a new life even when the cache still lists an earlier one.
        const seen = { ...(cur.seen ?? carrySeen(cur.value, undefined, cur.syncedAt)), [lower(address)]: at };
        const value = listed ? cur.value : [...cur.value, address].sort(compareAddresses);
        return { ...cur, value, seen };
      }),
    removeUser: (address) => removeWhere<string>('users', (a) => lower(a) === lower(address), address),
    removeDomain: (name) => removeWhere<ApiDomainInfo>('domains', (d) => lower(d.name) === lower(name), name),
    removeRule: (id) => removeWhere<RoutingRule>('rules', (r) => r.id === id, undefined),
    async firstSeen(part: TrackedPart, name: string) {
      const item = (
        await doc.send(new GetCommand({ TableName, Key: key(SORT_KEYS[part]), ConsistentRead: true, ProjectionExpression: '#seen', ExpressionAttributeNames: { '#seen': 'seen' } }))
      ).Item;
      if (typeof item?.seen !== 'string') return undefined;
      return (JSON.parse(item.seen) as Record<string, string>)[lower(name)] ?? null;
    },
  };
  return store;

  /** Drops the matching entries (and, for users and domains, their first-seen time); absent is a no-op. */
  function removeWhere<T>(part: CachePart, matches: (el: T) => boolean, seenName: string | undefined): Promise<void> {
    return update<T[]>(part, (cur) => {
      if (!cur || !cur.value.some(matches)) return undefined;
      const seen = cur.seen && seenName ? Object.fromEntries(Object.entries(cur.seen).filter(([n]) => n !== lower(seenName))) : cur.seen;
      return { ...cur, value: cur.value.filter((el) => !matches(el)), seen };
    });
  }
}
