import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import { isUserListCapped } from '@app/shared';
import { batchGetAll } from './batch-all.ts';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { compareAddresses, type CachePart, type CacheSnapshot, type CacheStore, type TrackedPart } from '../../modules/cache/ports.ts';
import { ApiDomainInfo, RoutingRule } from '../../modules/purelymail/purelymail-types.ts';
import { itemReader, jsonText, PARSE_ONCE, type ItemReader } from './stored-item.ts';
import { isConditionalCheckFailed, type Table } from './table.ts';

const key = (sk: string) => ({ pk: 'CACHE', sk });
const ALL_PARTS: readonly CachePart[] = ['users', 'domains', 'rules', 'credit'];
const SORT_KEYS: Record<CachePart, string> = { users: 'USERS', domains: 'DOMAINS', rules: 'RULES', credit: 'CREDIT' };
/** Attributes of the first format (native lists), still read until the next write replaces the item. */
const LEGACY: Record<CachePart, string> = { users: 'addresses', domains: 'domains', rules: 'rules', credit: 'credit' };
interface Projection {
  ProjectionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
}
/** The page reads skip `seen` (the first-seen map): only pending deletions need it. */
const READ_PROJECTION: Projection = {
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
  },
};
/** A warm read checks only whether each list changed. */
const REV_PROJECTION: Projection = { ProjectionExpression: '#sk, #rev', ExpressionAttributeNames: { '#sk': 'sk', '#rev': 'rev' } };

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

/** Each list as the cache holds it. */
interface PartValue {
  users: string[];
  domains: ApiDomainInfo[];
  rules: RoutingRule[];
  credit: string;
}
/** Lists read, by part (each part with its own type, so no reader needs a cast). */
type Decoded = { [P in CachePart]?: Stored<PartValue[P]> };
/** Sets one part of `decoded`: a generic key keeps the part and its list's type together. */
function setPart<P extends CachePart>(decoded: Decoded, part: P, stored: Decoded[P]): void {
  decoded[part] = stored;
}

const newRev = () => randomBytes(8).toString('hex');
const lower = (s: string) => s.toLowerCase();

/** The first-seen map, as JSON text (lower-cased name → ISO time). */
const SeenText = jsonText.pipe(z.record(z.string(), z.string()));

/**
 * One cached list's item, `value` checked by the part's schema. The list is JSON text in `json`, or (first format)
 * a native list in the part's own attribute, in PurelyMail's order: users are sorted here as they are now on write.
 */
function cacheItem<T>(part: CachePart, value: z.ZodType<T>, opts: { sort?: (list: T) => T; capped?: (list: T, unreadable: number) => boolean } = {}) {
  const fromJson = jsonText.pipe(value);
  return z
    .looseObject({ json: z.string().optional(), syncedAt: z.string(), rev: z.string().optional(), capped: z.boolean().optional(), unreadable: z.number().int().default(0), seen: SeenText.optional() })
    .transform((item, ctx): Stored<T> => {
      const field = item.json !== undefined ? 'json' : LEGACY[part];
      const parsed = (field === 'json' ? fromJson : value).safeParse(item[field], PARSE_ONCE);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        ctx.issues.push({ code: 'custom', message: issue?.message ?? 'does not fit', path: [field, ...(issue?.path ?? [])], input: undefined });
        return z.NEVER;
      }
      const list = field === 'json' || !opts.sort ? parsed.data : opts.sort(parsed.data);
      return { value: list, syncedAt: item.syncedAt, seen: item.seen, rev: item.rev, capped: item.capped ?? opts.capped?.(list, item.unreadable) ?? false, unreadable: item.unreadable };
    });
}

const CACHE_ITEMS = {
  users: cacheItem('users', z.array(z.string()), {
    sort: (list) => [...list].sort(compareAddresses),
    // Items written before `capped` was stored derive it from the listing's length.
    capped: (list, unreadable) => isUserListCapped(list.length + unreadable),
  }),
  domains: cacheItem('domains', z.array(ApiDomainInfo)),
  rules: cacheItem('rules', z.array(RoutingRule)),
  credit: cacheItem('credit', z.string()),
};
/** The revision check's projection: the sort key and `rev` only. */
const RevItem = z.object({ sk: z.string(), rev: z.string().optional() });
/** A page read's projection carries the sort key, which says which list an item is. */
const SortKeyed = z.looseObject({ sk: z.string() });

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
 *
 * A list whose item does not fit its schema reads as not synced (and is logged, stored-item.ts): the cache is a
 * copy of PurelyMail, so the users page's first-visit refresh, the Refresh button or the scheduled refresh writes
 * a whole new list over it (still conditional on its `rev`), instead of every page that reads it failing.
 */
export function createDynamoCacheStore(table: Table): CacheStore {
  const { doc, name: TableName } = table;

  const readers: { [P in CachePart]: ItemReader<Stored<PartValue[P]>> } = {
    users: itemReader(table, 'cached user list', CACHE_ITEMS.users),
    domains: itemReader(table, 'cached domain list', CACHE_ITEMS.domains),
    rules: itemReader(table, 'cached routing rules', CACHE_ITEMS.rules),
    credit: itemReader(table, 'cached credit', CACHE_ITEMS.credit),
  };
  const revs = itemReader(table, 'cached list revision', RevItem);
  const sortKeyed = itemReader(table, 'cached list', SortKeyed);
  const seenMaps = itemReader(table, 'first-seen map', z.object({ seen: SeenText.optional() }));

  /** The item as stored and its decoded list (none when it does not fit its schema: see the store's comment). */
  async function getStored<T>(part: CachePart, reader: ItemReader<Stored<T>>): Promise<{ item: Record<string, unknown> | undefined; stored: Stored<T> | undefined }> {
    const item = (await doc.send(new GetCommand({ TableName, Key: key(SORT_KEYS[part]), ConsistentRead: true }))).Item;
    return { item, stored: reader.oneOrAbsent(item) };
  }

  /**
   * Read, compute, write back if nobody wrote in between (else read again). `change` returns undefined for
   * "nothing to write".
   */
  async function update<T>(part: CachePart, reader: ItemReader<Stored<T>>, change: (current: Stored<T> | undefined) => Omit<Stored<T>, 'rev'> | undefined): Promise<void> {
    for (let attempt = 0; attempt < RETRIES; attempt++) {
      const { item, stored } = await getStored(part, reader);
      const next = change(stored);
      if (!next) return;
      const rev = item ? revs.oneOrAbsent(item)?.rev : undefined;
      const condition = !item
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : rev
          ? { ConditionExpression: 'rev = :rev', ExpressionAttributeValues: { ':rev': rev } }
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

  /** Users the panel just created: listed, first-seen reset (a new life even if still cached), in one update. */
  const addUsers = (addresses: readonly string[], at = new Date().toISOString()) =>
    update('users', readers.users, (cur) => {
      if (!cur || addresses.length === 0) return undefined; // no cached list yet: the first refresh lists them
      const seen = { ...(cur.seen ?? carrySeen(cur.value, undefined, cur.syncedAt)), ...Object.fromEntries(addresses.map((a) => [lower(a), at])) };
      const listed = new Set(cur.value);
      const fresh = [...new Set(addresses)].filter((a) => !listed.has(a));
      const value = fresh.length ? [...cur.value, ...fresh].sort(compareAddresses) : cur.value;
      return { ...cur, value, seen };
    });

  /**
   * The lists last read, by part, with the `rev` they were read at. Every write gives an item a new random
   * `rev`, so an equal `rev` read consistently now means the same content: a warm process checks the revs
   * (a few bytes each) and decodes again only what changed, instead of moving ~40 kB per page load. Values
   * are frozen because every caller shares them.
   */
  const decodedByPart: Decoded = {};

  async function readParts(parts: readonly CachePart[]): Promise<Decoded> {
    const out: Decoded = {};
    // Taken now: a read running at the same time may replace or drop an entry meanwhile.
    const known = parts.flatMap((part) => {
      const memo = decodedByPart[part];
      return memo ? [{ part, memo }] : [];
    });
    if (known.length > 0) {
      const revsNow = await batchGet(known.map((k) => k.part), REV_PROJECTION);
      for (const { part, memo } of known) {
        const current = revsNow.get(SORT_KEYS[part]);
        if (current && memo.rev !== undefined && revs.one(current).rev === memo.rev) setPart(out, part, memo);
        else if (decodedByPart[part] === memo) setPart(decodedByPart, part, undefined); // changed or gone: read in full below
      }
    }
    const missing = parts.filter((p) => !out[p]);
    if (missing.length > 0) {
      const items = await batchGet(missing, READ_PROJECTION);
      for (const part of missing) {
        const item = items.get(SORT_KEYS[part]);
        if (!item) continue;
        const stored = readers[part].oneOrAbsent(item);
        if (!stored) continue;
        deepFreeze(stored.value);
        if (stored.rev) setPart(decodedByPart, part, stored);
        setPart(out, part, stored);
      }
    }
    return out;
  }

  async function batchGet(parts: readonly CachePart[], projection: Projection): Promise<Map<string, Record<string, unknown>>> {
    // Unprocessed keys are asked again: a part missing from the answer would read as "never synced".
    const items = await batchGetAll(doc, TableName, parts.map((p) => key(SORT_KEYS[p])), { ConsistentRead: true, ...projection });
    return new Map(sortKeyed.many(items).map((i) => [i.sk, i]));
  }

  /** Keeps the first-seen time of names still listed; a name new to the cache is first seen at `at`. */
  const carrySeen = (names: string[], previous: Record<string, string> | undefined, at: string) =>
    Object.fromEntries(names.map((n) => [lower(n), previous?.[lower(n)] ?? at]));

  const store: CacheStore = {
    async read(parts = ALL_PARTS) {
      const { users: u, domains: d, rules: r, credit: c } = await readParts(parts);
      const snapshot: CacheSnapshot = {
        users: u ? { addresses: u.value, syncedAt: u.syncedAt, capped: u.capped, unreadable: u.unreadable } : null,
        domains: d ? { domains: d.value, syncedAt: d.syncedAt, unreadable: d.unreadable } : null,
        rules: r ? { rules: r.value, syncedAt: r.syncedAt, unreadable: r.unreadable } : null,
        credit: c ? { credit: c.value, syncedAt: c.syncedAt } : null,
      };
      return snapshot;
    },
    putUsers: (addresses, syncedAt, meta) =>
      update('users', readers.users, (cur) => {
        const seen = carrySeen(addresses, cur?.seen, syncedAt);
        // A capped listing does not show every user: one it leaves out may be past the cap, not gone.
        const kept = meta.capped ? { ...cur?.seen, ...seen } : seen;
        return { value: [...addresses].sort(compareAddresses), syncedAt, seen: kept, capped: meta.capped, unreadable: meta.unreadable ?? 0 };
      }),
    putDomains: (domains, syncedAt, unreadable = 0) =>
      update('domains', readers.domains, (cur) => ({ value: domains, syncedAt, seen: carrySeen(domains.map((d) => d.name), cur?.seen, syncedAt), capped: false, unreadable })),
    putRules: (rules, syncedAt, unreadable = 0) => update('rules', readers.rules, () => ({ value: rules, syncedAt, seen: undefined, capped: false, unreadable })),
    putCredit: (credit, syncedAt) => update('credit', readers.credit, () => ({ value: credit, syncedAt, seen: undefined, capped: false, unreadable: 0 })),
    addUser: (address, at) => addUsers([address], at),
    addUsers,
    removeUser: (address) => removeWhere('users', readers.users, (a) => lower(a) === lower(address), address),
    removeDomain: (name) => removeWhere('domains', readers.domains, (d) => lower(d.name) === lower(name), name),
    removeRule: (id) => removeWhere('rules', readers.rules, (r) => r.id === id, undefined),
    async firstSeen(part: TrackedPart, name: string) {
      const item = (
        await doc.send(new GetCommand({ TableName, Key: key(SORT_KEYS[part]), ConsistentRead: true, ProjectionExpression: '#seen', ExpressionAttributeNames: { '#seen': 'seen' } }))
      ).Item;
      const seen = seenMaps.oneOrAbsent(item)?.seen;
      if (!seen) return undefined;
      return seen[lower(name)] ?? null;
    },
  };
  return store;

  /** Drops the matching entries (and, for users and domains, their first-seen time); absent is a no-op. */
  function removeWhere<T>(part: CachePart, reader: ItemReader<Stored<T[]>>, matches: (el: T) => boolean, seenName: string | undefined): Promise<void> {
    return update(part, reader, (cur) => {
      if (!cur || !cur.value.some(matches)) return undefined;
      const seen = cur.seen && seenName ? Object.fromEntries(Object.entries(cur.seen).filter(([n]) => n !== lower(seenName))) : cur.seen;
      return { ...cur, value: cur.value.filter((el) => !matches(el)), seen };
    });
  }
}
