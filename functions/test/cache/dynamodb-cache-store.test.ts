import { BatchGetCommand, DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDynamoCacheStore } from '../../src/adapters/dynamodb/dynamodb-cache-store.ts';
import { startLocalDynamo } from '../../src/adapters/dynamodb/local-dynalite.ts';
import type { CacheStore } from '../../src/modules/cache/ports.ts';
import type { ApiDomainInfo } from '../../src/modules/purelymail/purelymail-types.ts';

const domain = (name: string): ApiDomainInfo => ({
  name,
  allowAccountReset: true,
  symbolicSubaddressing: true,
  isShared: false,
  dnsSummary: { passesMx: true, passesSpf: true, passesDkim: true, passesDmarc: true },
});
const T1 = '2026-01-01T00:00:00.000Z';
const T2 = '2026-01-02T00:00:00.000Z';
const T3 = '2026-01-03T00:00:00.000Z';
/** A user listing under PurelyMail's 1,000 cap. */
const OPEN = { capped: false };

describe('DynamoDB cache store', () => {
  let dynamo: Awaited<ReturnType<typeof startLocalDynamo>>;
  let cache: CacheStore;
  const raw = async (sk: string) => (await dynamo.table.doc.send(new GetCommand({ TableName: dynamo.table.name, Key: { pk: 'CACHE', sk } }))).Item;
  const putRaw = (item: Record<string, unknown>) => dynamo.table.doc.send(new PutCommand({ TableName: dynamo.table.name, Item: { pk: 'CACHE', ...item } }));

  beforeAll(async () => {
    dynamo = await startLocalDynamo({ tableName: 'cache-store-test' });
    cache = createDynamoCacheStore(dynamo.table);
  });
  afterAll(() => dynamo.close());
  beforeEach(async () => {
    // Each test starts from a first-format users list, as a deployment before this change left it.
    await putRaw({ sk: 'USERS', addresses: ['zoe@b.example', 'Anna@a.example', 'bob@a.example'], syncedAt: T1 });
    await putRaw({ sk: 'DOMAINS', domains: [domain('b.example'), domain('a.example')], syncedAt: T1 });
  });

  it('reads a first-format item (native list) sorted, and its first-seen times as untracked', async () => {
    const snap = await cache.read(['users', 'domains']);
    expect(snap.users).toEqual({ addresses: ['Anna@a.example', 'bob@a.example', 'zoe@b.example'], syncedAt: T1, capped: false, unreadable: 0 });
    expect(snap.domains?.domains.map((d) => d.name)).toEqual(['b.example', 'a.example']);
    expect(snap.rules).toBeNull();
    expect(await cache.firstSeen('users', 'bob@a.example')).toBeUndefined();
  });

  it('stores the users list as one JSON string sorted with localeCompare, the same order the page used to sort into', async () => {
    const addresses = Array.from({ length: 1000 }, (_, i) => `user${(i * 7919) % 1000}@d${i % 7}.example`).concat(['Émile@x.example', 'eve@x.example']);
    await cache.putUsers(addresses, T2, { capped: true });
    const item = await raw('USERS');
    expect(typeof item?.json).toBe('string');
    expect(item?.addresses).toBeUndefined();
    expect((await cache.read(['users'])).users).toEqual({ addresses: [...addresses].sort((a, b) => a.localeCompare(b)), syncedAt: T2, capped: true, unreadable: 0 });
  });

  it('keeps the first-seen time of a user still listed, stamps new ones, and forgets one that disappeared', async () => {
    await cache.putUsers(['bob@a.example', 'zoe@b.example'], T1, OPEN);
    await cache.putUsers(['bob@a.example', 'new@a.example'], T2, OPEN);
    expect(await cache.firstSeen('users', 'bob@a.example')).toBe(T1);
    expect(await cache.firstSeen('users', 'new@a.example')).toBe(T2);
    expect(await cache.firstSeen('users', 'zoe@b.example')).toBeNull();
    // Back in a later sync: a new life.
    await cache.putUsers(['bob@a.example', 'new@a.example', 'zoe@b.example'], T3, OPEN);
    expect(await cache.firstSeen('users', 'ZOE@b.example')).toBe(T3);
  });

  it('keeps a capped list capped through our own write-throughs, and first-seen times of users it does not show', async () => {
    const listed = Array.from({ length: 1000 }, (_, i) => `u${String(i).padStart(4, '0')}@a.example`);
    await cache.putUsers([...listed, 'zz-late@b.example'], T1, { capped: false });
    // The next listing stops at the cap before zz-late@b.example: it may be past the cap, not gone.
    await cache.putUsers(listed, T2, { capped: true, unreadable: 0 });
    expect(await cache.firstSeen('users', 'zz-late@b.example')).toBe(T1);
    await cache.removeUser(listed[0]!);
    const users = (await cache.read(['users'])).users;
    expect(users?.addresses).toHaveLength(999);
    expect(users?.capped).toBe(true);
    // A listing under the cap is complete: a user it does not show is gone.
    await cache.putUsers(listed.slice(0, 10), T3, OPEN);
    expect(await cache.firstSeen('users', 'zz-late@b.example')).toBeNull();
    expect((await cache.read(['users'])).users?.capped).toBe(false);
  });

  it('derives "capped" for a list stored before the flag existed, and stores each list\'s unreadable count', async () => {
    await putRaw({ sk: 'USERS', json: JSON.stringify(Array.from({ length: 1000 }, (_, i) => `u${i}@a.example`)), syncedAt: T1, rev: 'r1' });
    expect((await cache.read(['users'])).users?.capped).toBe(true);
    await cache.putDomains([domain('a.example')], T2, 2);
    await cache.putRules([], T2, 1);
    await cache.putUsers(['a@a.example'], T2, { capped: false, unreadable: 3 });
    const snap = await cache.read(['users', 'domains', 'rules']);
    expect([snap.users?.unreadable, snap.domains?.unreadable, snap.rules?.unreadable]).toEqual([3, 2, 1]);
    await cache.removeDomain('a.example');
    expect((await cache.read(['domains'])).domains?.unreadable).toBe(2);
  });

  it('addUser lists a panel-created user in order and starts a new life even when it was still cached', async () => {
    await cache.putUsers(['bob@a.example', 'zoe@b.example'], T1, OPEN);
    await cache.addUser('carl@a.example', T2);
    await cache.addUser('bob@a.example', T3);
    expect((await cache.read(['users'])).users?.addresses).toEqual(['bob@a.example', 'carl@a.example', 'zoe@b.example']);
    expect(await cache.firstSeen('users', 'carl@a.example')).toBe(T2);
    expect(await cache.firstSeen('users', 'bob@a.example')).toBe(T3);
    expect(await cache.firstSeen('users', 'zoe@b.example')).toBe(T1);
  });

  it('addUsers lists many panel-created users in one update, each with a new life', async () => {
    await cache.putUsers(['bob@a.example', 'zoe@b.example'], T1, OPEN);
    await cache.addUsers(['carl@a.example', 'bob@a.example', 'amy@b.example', 'carl@a.example'], T2);
    await cache.addUsers([], T3);
    expect((await cache.read(['users'])).users?.addresses).toEqual(['amy@b.example', 'bob@a.example', 'carl@a.example', 'zoe@b.example']);
    expect(await cache.firstSeen('users', 'amy@b.example')).toBe(T2);
    expect(await cache.firstSeen('users', 'bob@a.example')).toBe(T2);
    expect(await cache.firstSeen('users', 'zoe@b.example')).toBe(T1);
  });

  it('removeUser and removeDomain drop the entry and its first-seen time; absent is a no-op', async () => {
    await cache.putUsers(['bob@a.example', 'zoe@b.example'], T1, OPEN);
    await cache.putDomains([domain('a.example'), domain('b.example')], T1);
    await cache.removeUser('BOB@a.example');
    await cache.removeUser('nobody@a.example');
    await cache.removeDomain('b.example');
    const snap = await cache.read(['users', 'domains']);
    expect(snap.users?.addresses).toEqual(['zoe@b.example']);
    expect(snap.domains?.domains.map((d) => d.name)).toEqual(['a.example']);
    expect(await cache.firstSeen('users', 'bob@a.example')).toBeNull();
    expect(await cache.firstSeen('domains', 'b.example')).toBeNull();
    expect(await cache.firstSeen('domains', 'a.example')).toBe(T1);
  });

  it('concurrent write-throughs never lose each other (each write is conditional on the revision it read)', async () => {
    await cache.putUsers(['bob@a.example'], T1, OPEN);
    const added = Array.from({ length: 8 }, (_, i) => `u${i}@a.example`);
    await Promise.all([...added.map((a) => cache.addUser(a, T2)), cache.removeUser('bob@a.example')]);
    expect((await cache.read(['users'])).users?.addresses).toEqual([...added].sort((a, b) => a.localeCompare(b)));
  });

  it('addUser without a cached list is a no-op (the first refresh lists it)', async () => {
    await dynamo.table.doc.send(new DeleteCommand({ TableName: dynamo.table.name, Key: { pk: 'CACHE', sk: 'USERS' } }));
    await cache.addUser('x@a.example', T2);
    expect((await cache.read(['users'])).users).toBeNull();
    expect(await cache.firstSeen('users', 'x@a.example')).toBeUndefined();
  });

  it('rules and credit round-trip as before', async () => {
    const rule = { id: 7, domainName: 'a.example', prefix: false, catchall: false, matchUser: 'info', targetAddresses: ['bob@a.example'] };
    await cache.putRules([rule], T2);
    await cache.putCredit('12.50', T2);
    await cache.removeRule(8);
    const snap = await cache.read();
    expect(snap.rules).toEqual({ rules: [rule], syncedAt: T2, unreadable: 0 });
    expect(snap.credit).toEqual({ credit: '12.50', syncedAt: T2 });
    await cache.removeRule(7);
    expect((await cache.read(['rules'])).rules?.rules).toEqual([]);
  });

  it('a warm store decodes a list once, then only checks its revision; a change by another writer is seen at once', async () => {
    // What a warm Lambda does: the same store across requests, while another instance writes.
    const projections: string[] = [];
    const send = dynamo.table.doc.send.bind(dynamo.table.doc) as (command: unknown) => Promise<unknown>;
    const counting = {
      send: ((command: unknown) => {
        if (command instanceof BatchGetCommand) projections.push(Object.values(command.input.RequestItems ?? {})[0]!.ProjectionExpression ?? '');
        return send(command);
      }) as DynamoDBDocumentClient['send'],
    } as DynamoDBDocumentClient;
    const warm = createDynamoCacheStore({ ...dynamo.table, doc: counting });
    const writer = createDynamoCacheStore(dynamo.table);
    await writer.putUsers(['bob@a.example', 'anna@a.example'], T2, OPEN);

    const first = await warm.read(['users']);
    const second = await warm.read(['users']);
    expect(second.users).toEqual({ addresses: ['anna@a.example', 'bob@a.example'], syncedAt: T2, capped: false, unreadable: 0 });
    expect(second.users!.addresses).toBe(first.users!.addresses); // not decoded again
    expect(projections).toHaveLength(2); // a full read, then the revision check only
    expect(projections[1]).not.toContain('#json');
    expect(projections[1]).toContain('#rev');
    // Shared between requests: frozen, so no caller can change another's copy.
    expect(Object.isFrozen(second.users!.addresses)).toBe(true);
    expect(() => (second.users!.addresses as string[]).push('x@a.example')).toThrow(TypeError);

    await writer.addUser('carl@a.example', T3);
    expect((await warm.read(['users'])).users?.addresses).toEqual(['anna@a.example', 'bob@a.example', 'carl@a.example']);
    await writer.removeUser('bob@a.example');
    expect((await warm.read(['users'])).users?.addresses).toEqual(['anna@a.example', 'carl@a.example']);
    // Gone from the table (a first-format item replaced by hand is never remembered either).
    await dynamo.table.doc.send(new DeleteCommand({ TableName: dynamo.table.name, Key: { pk: 'CACHE', sk: 'USERS' } }));
    expect((await warm.read(['users'])).users).toBeNull();
    await putRaw({ sk: 'USERS', addresses: ['old@a.example'], syncedAt: T1 });
    expect((await warm.read(['users'])).users?.addresses).toEqual(['old@a.example']);
    await putRaw({ sk: 'USERS', addresses: ['older@a.example'], syncedAt: T1 });
    expect((await warm.read(['users'])).users?.addresses).toEqual(['older@a.example']);
  });

  it('concurrent reads of a warm store while another writer changes the list all answer a whole list, old or new', async () => {
    const warm = createDynamoCacheStore(dynamo.table);
    const writer = createDynamoCacheStore(dynamo.table);
    await writer.putUsers(['a@a.example'], T2, OPEN);
    await warm.read(['users']);
    const lists = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        if (i % 10 === 5) await writer.addUser(`n${i}@a.example`, T3);
        return (await warm.read(['users', 'domains'])).users?.addresses;
      }),
    );
    for (const list of lists) expect(list?.[0]).toBe('a@a.example');
    expect((await warm.read(['users'])).users?.addresses).toEqual(['a@a.example', 'n15@a.example', 'n25@a.example', 'n5@a.example']);
  });
});
