import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoAdminStore } from '../../src/adapters/dynamodb/dynamodb-admin-store.ts';
import { startLocalDynamo } from '../../src/adapters/dynamodb/local-dynalite.ts';
import { isConditionalCheckFailed } from '../../src/adapters/dynamodb/table.ts';
import { ConflictError } from '../../src/modules/errors.ts';

describe('a write whose condition fails is recognised by the SDK exception class', () => {
  let dynamo: Awaited<ReturnType<typeof startLocalDynamo>>;
  beforeAll(async () => {
    dynamo = await startLocalDynamo({ tableName: 'conditional-check' });
  });
  afterAll(() => dynamo.close());

  it('dynalite refusing a conditional put comes back as ConditionalCheckFailedException, and only that class counts', async () => {
    const put = () => dynamo.table.doc.send(new PutCommand({ TableName: dynamo.table.name, Item: { pk: 'X', sk: 'Y' }, ConditionExpression: 'attribute_not_exists(pk)' }));
    await put();
    const refused = await put().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(ConditionalCheckFailedException);
    expect(isConditionalCheckFailed(refused)).toBe(true);
    // An error merely named like it (another library's, a hand-made one) is not taken for a failed condition.
    expect(isConditionalCheckFailed(Object.assign(new Error('refused'), { name: 'ConditionalCheckFailedException' }))).toBe(false);
    expect(isConditionalCheckFailed(undefined)).toBe(false);
  });

  it('a store turns it into its own answer (a duplicate admin is a ConflictError)', async () => {
    const admins = createDynamoAdminStore(dynamo.table);
    const admin = { email: 'ann@example.com', name: 'Ann', role: 'admin' as const, passwordHash: 'x', createdAt: '2026-11-21T09:00:00.000Z', lastLoginAt: null };
    await admins.create(admin);
    await expect(admins.create(admin)).rejects.toThrow(ConflictError);
  });
});
