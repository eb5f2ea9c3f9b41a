import * as z from 'zod';
import { StoredItemInvalidError } from '../../modules/errors.ts';
import { createJsonLogger, type Logger } from '../../platform/logger.ts';
import type { Table } from './table.ts';

/*
 * Items are checked against their kind's schema when read back (each store declares the schema beside it), so a
 * store returns what its port promises or says plainly that it cannot. An item can fail when it was written by
 * hand, by another version of the panel, or is damaged. What happens then:
 * - in a list, the item is left out and counted: the page still loads (one odd item must not take it down);
 * - read on its own, it is a StoredItemInvalidError (HTTP 422 `stored_item_invalid`, see http/on-error.ts);
 * - where absence is safe and repairs itself, it counts as absent: short-lived credentials (a session, a
 *   challenge: the person signs in or asks again) and the PurelyMail cache (the next refresh rewrites the list).
 * Each is logged once per item and field: the item's key and zod's complaint, never a value (items hold
 * password hashes and sealed secrets; zod 4 issues do not carry the input).
 */

type Item = Record<string, unknown>;

export interface ItemReader<T> {
  /** An item read on its own; StoredItemInvalidError when it does not fit. */
  one(item: Item): T;
  /** Where absence is safe (a credential, a cached copy): one that does not fit counts as absent. */
  oneOrAbsent(item: Item | undefined): T | undefined;
  /** The items of a list that fit; the others are left out, counted and logged. */
  many(items: readonly Item[]): T[];
}

export interface ReaderOptions {
  /** The key is derived from a secret (a token's hash): only its beginning is logged. */
  readonly secretKey?: boolean;
}

/** Problems remembered so each is logged once; enough for any real table, bounded for a broken one. */
const MAX_REMEMBERED = 1_000;
/** Items named in one list's log line (its count covers all). */
const LOGGED_PER_LIST = 5;

let fallback: Logger | undefined;
const stderrLogger = () => (fallback ??= createJsonLogger({ write: (line) => process.stderr.write(`${line}\n`) }));

const keyOf = (item: Item) => [item.pk, item.sk].filter((k): k is string => typeof k === 'string').join(' ') || '(key not read)';

/** The key as it may be logged: in full, or its kind and first characters when it derives from a secret. */
function loggedKey(key: string, secret: boolean): string {
  const hash = key.indexOf('#');
  if (!secret || hash < 0) return key;
  const end = key.indexOf(' ', hash);
  return `${key.slice(0, hash + 7)}…${end < 0 ? '' : key.slice(end)}`;
}

/**
 * zod's per-parse `jitless` option: check items without compiling a parser (`new Function`) for each object schema
 * on its first parse. A Lambda parses each kind of item a few times per execution environment, so compiling cost
 * more than it saved: ~13 ms of CPU on a cold dashboard load with the config's parse (parse-config.ts). Same checks.
 */
export const PARSE_ONCE = { jitless: true } as const;

/** Reads items of one kind (`kind` names it in messages: "admin", "migration run") with `schema`. */
export function itemReader<T>(table: Pick<Table, 'logger'>, kind: string, schema: z.ZodType<T>, opts: ReaderOptions = {}): ItemReader<T> {
  const logged = new Set<string>();
  const isNew = (id: string) => {
    if (logged.has(id) || logged.size >= MAX_REMEMBERED) return false;
    logged.add(id);
    return true;
  };
  /** The problem as logged, and whether this item and field are met for the first time. */
  const describe = (item: Item, error: z.ZodError) => {
    const issue = error.issues[0];
    const key = keyOf(item);
    const field = issue?.path.length ? issue.path.join('.') : '(item)';
    return { isNew: isNew(`${key}\n${field}`), logged: { key: loggedKey(key, opts.secretKey === true), field, problem: issue?.message ?? 'does not fit' } };
  };
  const log = (message: string, fields: Record<string, unknown>) => (table.logger ?? stderrLogger()).warn(message, { kind, ...fields });

  return {
    one(item) {
      const parsed = schema.safeParse(item, PARSE_ONCE);
      if (parsed.success) return parsed.data;
      const p = describe(item, parsed.error);
      if (p.isNew) log('stored item could not be read', p.logged);
      throw new StoredItemInvalidError(kind);
    },
    oneOrAbsent(item) {
      if (!item) return undefined;
      const parsed = schema.safeParse(item, PARSE_ONCE);
      if (parsed.success) return parsed.data;
      const p = describe(item, parsed.error);
      if (p.isNew) log('stored item could not be read; it counts as absent', p.logged);
      return undefined;
    },
    many(items) {
      const kept: T[] = [];
      const fresh: ReturnType<typeof describe>['logged'][] = [];
      for (const item of items) {
        const parsed = schema.safeParse(item, PARSE_ONCE);
        if (parsed.success) kept.push(parsed.data);
        else {
          const p = describe(item, parsed.error);
          if (p.isNew && fresh.length < LOGGED_PER_LIST) fresh.push(p.logged);
        }
      }
      // One line per list read that met an item not logged before, with the count of all left out.
      if (fresh.length > 0) log('stored items could not be read; they are left out of the list', { leftOut: items.length - kept.length, of: items.length, items: fresh });
      return kept;
    },
  };
}

/** An attribute that may be absent or NULL, read as null (`T | null` in the record). */
export const orNull = <S extends z.ZodType>(schema: S) => schema.nullish().transform((v): z.output<S> | null => v ?? null);

/** A string attribute holding JSON, parsed (and then checked by the schema it is piped into). */
export const jsonText = z.string().transform((text, ctx): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.issues.push({ code: 'custom', message: 'is not valid JSON', input: text });
    return z.NEVER;
  }
});
