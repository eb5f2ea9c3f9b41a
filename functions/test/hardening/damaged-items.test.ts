import { GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ApiErrorBody, JobDetail, JobList, ServerList, UserList } from '@app/shared';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../support/api-client.ts';
import { startTestRuntime, TEST_PASSWORD, type TestRuntime } from '../support/test-runtime.ts';

const CANARY = `CANARY-${randomUUID()}`;

/**
 * Items are checked against their schema when read back (adapters/dynamodb/stored-item.ts). An item written by hand,
 * by another version or damaged must never take a page down or leak into the log: a list leaves it out and the
 * log says so once; read on its own it is a clear error; a damaged session or cached list counts as absent.
 */
describe('items that do not fit their schema, read back through the HTTP API', () => {
  let t: TestRuntime;
  let owner: ApiClient;
  const table = () => t.runtime.table;
  const logLines = () => t.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
  const storedItemLines = () => logLines().filter((l) => String(l.message).startsWith('stored item'));

  beforeAll(async () => {
    t = await startTestRuntime();
    owner = await t.setupOwner();
  }, 60_000);
  afterAll(() => t?.close());

  it('a list leaves the damaged item out and still loads; the log names its key and field once, never a value', async () => {
    for (const name of ['Old host', 'New host']) expect((await owner.post('/api/migrations/servers', { name, host: '127.0.0.1', port: 1143, tls: 'none', verifyCert: false })).status).toBe(201);
    const now = new Date().toISOString();
    await table().doc.send(
      new PutCommand({
        TableName: table().name,
        Item: { pk: 'MIGSERVER#srv_damaged0001', sk: 'SERVER', gsi1pk: 'MIGSERVERS', gsi1sk: 'a#srv_damaged0001', id: 'srv_damaged0001', name: 'Damaged', host: '127.0.0.1', port: CANARY, tls: 'none', verifyCert: false, notes: '', createdAt: now, updatedAt: now, version: 1 },
      }),
    );
    for (let i = 0; i < 3; i++) {
      const res = await owner.get('/api/migrations/servers');
      expect(res.status).toBe(200);
      expect(((await res.json()) as ServerList).servers.map((s) => s.name)).toEqual(['New host', 'Old host']);
    }
    expect(storedItemLines()).toEqual([
      expect.objectContaining({
        level: 'warn',
        message: 'stored items could not be read; they are left out of the list',
        kind: 'IMAP server',
        leftOut: 1,
        of: 3,
        items: [{ key: 'MIGSERVER#srv_damaged0001 SERVER', field: 'port', problem: expect.stringMatching(/expected number/) }],
      }),
    ]);
    expect(t.logs.join('\n')).not.toContain(CANARY);
  });

  it('read on its own, a damaged job is a 422 stored_item_invalid saying so (not a 500), while the job list shows the others', async () => {
    const servers = ((await owner.json<ServerList>(owner.get('/api/migrations/servers'))).servers).map((s) => s.id);
    const create = (name: string) =>
      owner.json<JobDetail>(owner.post('/api/migrations/jobs', { name, source: { serverId: servers[0], user: 'alice', password: CANARY }, dest: { serverId: servers[1], user: 'alice@new.example', password: CANARY } }));
    const kept = (await create('Kept')).job;
    const damaged = (await create('Damaged')).job;
    await table().doc.send(new UpdateCommand({ TableName: table().name, Key: { pk: `MIGJOB#${damaged.id}`, sk: 'JOB' }, UpdateExpression: 'SET #o = :o', ExpressionAttributeNames: { '#o': 'options' }, ExpressionAttributeValues: { ':o': 'everything' } }));

    const list = await owner.get('/api/migrations/jobs');
    expect(list.status).toBe(200);
    expect(((await list.json()) as JobList).jobs.map((j) => j.id)).toEqual([kept.id]);

    const one = await owner.get(`/api/migrations/jobs/${damaged.id}`);
    expect(one.status).toBe(422);
    const body = (await one.json()) as ApiErrorBody;
    expect(body.error.code).toBe('stored_item_invalid');
    expect(body.error.message).toBe('The stored migration job could not be read: it is not in the shape this version of the panel expects. Nothing was changed; the server log names the item and the field at fault.');
    expect(storedItemLines().filter((l) => l.kind === 'migration job')).toEqual([
      expect.objectContaining({ message: 'stored items could not be read; they are left out of the list', items: [expect.objectContaining({ key: `MIGJOB#${damaged.id} JOB`, field: 'options' })] }),
    ]);
    expect(logLines()).toContainEqual(expect.objectContaining({ message: 'request failed', code: 'stored_item_invalid' }));
    // The job's sealed passwords were in the item; neither they nor the passwords reach the log.
    expect(t.logs.join('\n')).not.toMatch(new RegExp(`${CANARY}|v1:local:`));
  });

  it('a damaged cached user list reads as not synced: the users page refreshes it from PurelyMail and loads', async () => {
    const cacheKey = { pk: 'CACHE', sk: 'USERS' };
    await table().doc.send(new PutCommand({ TableName: table().name, Item: { ...cacheKey, json: '{"not a list', syncedAt: new Date().toISOString(), rev: 'r1', capped: false, unreadable: 0 } }));
    const res = await owner.get('/api/users');
    expect(res.status).toBe(200);
    const page = (await res.json()) as UserList;
    expect(page.syncedAt).not.toBeNull();
    const stored = (await table().doc.send(new GetCommand({ TableName: table().name, Key: cacheKey, ConsistentRead: true }))).Item!;
    expect(JSON.parse(String(stored.json))).toEqual(page.users);
    expect(storedItemLines()).toContainEqual(expect.objectContaining({ message: 'stored item could not be read; it counts as absent', kind: 'cached user list', key: 'CACHE USERS', field: 'json', problem: 'is not valid JSON' }));
  });

  it('a damaged session is no session: 401, and signing in again works; the log shows only the beginning of its key', async () => {
    const sessions = ((await table().doc.send(new ScanCommand({ TableName: table().name }))).Items ?? []).filter((i) => String(i.pk).startsWith('SESSION#'));
    expect(sessions).toHaveLength(1);
    const id = String(sessions[0]!.id);
    await table().doc.send(new UpdateCommand({ TableName: table().name, Key: { pk: `SESSION#${id}`, sk: 'SESSION' }, UpdateExpression: 'SET ip = :n', ExpressionAttributeValues: { ':n': 42 } }));
    expect((await owner.get('/api/auth/me')).status).toBe(401);
    expect(storedItemLines()).toContainEqual(expect.objectContaining({ message: 'stored item could not be read; it counts as absent', kind: 'session', key: `SESSION#${id.slice(0, 6)}… SESSION`, field: 'ip' }));
    expect(t.logs.join('\n')).not.toContain(id);
    expect((await owner.post('/api/auth/login', { email: 'owner@example.com', password: TEST_PASSWORD })).status).toBe(200);
    expect((await owner.get('/api/auth/me')).status).toBe(200);
  });
});
