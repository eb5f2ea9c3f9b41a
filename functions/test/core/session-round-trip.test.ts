import { BatchGetCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoAdminStore } from '../../src/adapters/dynamodb/dynamodb-admin-store.ts';
import { createDynamoSessionStore } from '../../src/adapters/dynamodb/dynamodb-session-store.ts';
import { createDynamoSettingsStore } from '../../src/adapters/dynamodb/dynamodb-settings-store.ts';
import { startLocalDynamo } from '../../src/adapters/dynamodb/local-dynalite.ts';
import { makeAuthenticate } from '../../src/modules/auth/authenticate.ts';
import { makeStartSession } from '../../src/modules/auth/start-session.ts';
import { hashToken } from '../../src/modules/auth/session-token.ts';
import { FakeClock } from '../support/test-runtime.ts';

// The session path costs one DynamoDB round trip per request (session + admin + settings in one strongly
// consistent BatchGetItem), plus the lastSeenAt write at most once a minute; and nothing is cached, so a
// change in the table shows on the very next call.
describe('authenticate: one store round trip', () => {
  let dynamo: Awaited<ReturnType<typeof startLocalDynamo>>;
  const clock = new FakeClock();
  const sent: { name: string; input: unknown }[] = [];
  const policy = { idleMinutes: 30, absoluteHours: 12 };
  const origin = { ip: '203.0.113.7', userAgent: 'test' };
  const email = 'olive@example.com';

  beforeAll(async () => {
    dynamo = await startLocalDynamo({ tableName: 'round-trip-test' });
    const doc = dynamo.table.doc;
    const send = doc.send.bind(doc) as (cmd: unknown) => Promise<unknown>;
    doc.send = ((cmd: { constructor: { name: string }; input: unknown }) => {
      sent.push({ name: cmd.constructor.name, input: cmd.input });
      return send(cmd);
    }) as typeof doc.send;
    await createDynamoAdminStore(dynamo.table).create({ email, name: 'Olive', role: 'owner', passwordHash: 'x', createdAt: clock.now().toISOString(), lastLoginAt: null });
    await createDynamoSettingsStore(dynamo.table).save({ creditAmber: '5', creditRed: '2', deletionDelayHours: 24, creditForecastDays: 14, requireAdminMfa: true, version: 1 }, 0);
  });
  afterAll(() => dynamo?.close());

  it('reads session, admin and settings with one BatchGetItem, and touches lastSeenAt at most once a minute', async () => {
    // Prepare
    const sessions = createDynamoSessionStore(dynamo.table);
    const { cookie, session } = await makeStartSession({ sessions, clock, sessionPolicy: policy })(email, origin);
    const authenticate = makeAuthenticate({ sessions, clock, sessionPolicy: policy });
    sent.length = 0;

    // Act
    const first = await authenticate(cookie);

    // Assess
    expect(sent.map((s) => s.name)).toEqual(['BatchGetCommand']);
    expect(sent[0]!.input).toEqual({
      RequestItems: {
        'round-trip-test': {
          Keys: [
            { pk: `SESSION#${session.id}`, sk: 'SESSION' },
            { pk: `ADMIN#${email}`, sk: 'ADMIN' },
            { pk: 'SETTINGS', sk: 'GLOBAL' },
          ],
          ConsistentRead: true,
        },
      },
    });
    expect(first.session.id).toBe(session.id);
    expect(first.admin.email).toBe(email);
    expect(first.settings?.requireAdminMfa).toBe(true);
    expect(first.touched).toBeUndefined();

    // A minute later the refresh is due: started by authenticate, awaited by the caller.
    clock.advance(61_000);
    sent.length = 0;
    const later = await authenticate(cookie);
    await later.touched;
    expect(sent.map((s) => s.name)).toEqual(['BatchGetCommand', 'UpdateCommand']);
    const raw = await dynamo.table.doc.send(new GetCommand({ TableName: dynamo.table.name, Key: { pk: `SESSION#${session.id}`, sk: 'SESSION' } }));
    expect(raw.Item?.lastSeenAt).toBe(clock.now().toISOString());
    // Only the token's hash is stored: the raw item never holds the cookie's secret part.
    const token = cookie.split('.')[1]!;
    expect(hashToken(token)).toBe(session.id);
    expect(JSON.stringify(raw.Item)).not.toContain(token);
  });

  it('sees a deletion made between two calls (no caching across requests)', async () => {
    const sessions = createDynamoSessionStore(dynamo.table);
    const { cookie, session } = await makeStartSession({ sessions, clock, sessionPolicy: policy })(email, origin);
    const authenticate = makeAuthenticate({ sessions, clock, sessionPolicy: policy });
    await expect(authenticate(cookie)).resolves.toMatchObject({ admin: { email } });
    await sessions.delete(session.id);
    await expect(authenticate(cookie)).rejects.toThrow(/sign in/);
  });

  it('asks again for keys DynamoDB leaves unprocessed', async () => {
    // Prepare: the first BatchGetItem answers with everything unprocessed, as under throttling.
    const sessions = createDynamoSessionStore(dynamo.table);
    const { session } = await makeStartSession({ sessions, clock, sessionPolicy: policy })(email, origin);
    const doc = dynamo.table.doc;
    const real = doc.send.bind(doc) as (cmd: unknown) => Promise<unknown>;
    let first = true;
    doc.send = (async (cmd: unknown) => {
      if (first && cmd instanceof BatchGetCommand) {
        first = false;
        return { Responses: { [dynamo.table.name]: [] }, UnprocessedKeys: { [dynamo.table.name]: cmd.input.RequestItems![dynamo.table.name] } };
      }
      return real(cmd);
    }) as typeof doc.send;
    // Act
    const out = await sessions.getForRequest(session.id, email);
    doc.send = real as typeof doc.send;
    // Assess
    expect(out.session?.id).toBe(session.id);
    expect(out.admin?.email).toBe(email);
  });
});
