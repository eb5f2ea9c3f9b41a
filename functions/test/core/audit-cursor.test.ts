import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoAuditStore } from '../../src/adapters/dynamodb/dynamodb-audit-store.ts';
import { startLocalDynamo } from '../../src/adapters/dynamodb/local-dynalite.ts';
import { ValidationError } from '../../src/modules/errors.ts';

const cursorOf = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');

describe('the audit log page cursor', () => {
  let dynamo: Awaited<ReturnType<typeof startLocalDynamo>>;
  const range = { fromIso: '2026-11-21', toIso: '2026-11-22' };
  beforeAll(async () => {
    dynamo = await startLocalDynamo({ tableName: 'audit-cursor' });
    const audit = createDynamoAuditStore(dynamo.table);
    for (const i of [1, 2, 3]) {
      await audit.append({ id: `aud_${i}`, at: `2026-11-21T09:0${i}:00.000Z`, actor: 'owner@example.com', action: 'settings.update', target: 'settings', result: 'ok', ip: '203.0.113.9', userAgent: 'test' }, 2_000_000_000);
    }
  });
  afterAll(() => dynamo.close());

  it('pages newest first through a cursor the store hands out', async () => {
    const audit = createDynamoAuditStore(dynamo.table);
    const first = await audit.query(range, 2);
    expect(first.entries.map((e) => e.id)).toEqual(['aud_3', 'aud_2']);
    const second = await audit.query(range, 2, first.nextCursor!);
    expect(second).toEqual({ entries: [expect.objectContaining({ id: 'aud_1' })], nextCursor: null });
  });

  it('refuses a cursor it did not hand out with a ValidationError (a 400), before asking DynamoDB', async () => {
    const audit = createDynamoAuditStore(dynamo.table);
    const refused = ['%%%', cursorOf('[1,2'), cursorOf({ pk: 'AUDIT#aud_2', gsi1pk: 'SESSIONS', gsi1sk: 'x' }), cursorOf({ pk: 'AUDIT#aud_2', sk: { S: 'AUDIT' }, gsi1pk: 'AUDIT', gsi1sk: 'x' })];
    for (const cursor of refused) await expect(audit.query(range, 2, cursor), cursor).rejects.toThrow(ValidationError);
  });
});
