import { DynamoDBClient, type DynamoDBClientConfig, CreateTableCommand, DescribeTableCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { tableDefinition } from './table-definition.ts';

/** Creates the table from the shared definition if it does not exist (local and test runtimes only). */
export async function ensureTable(name: string, config: DynamoDBClientConfig): Promise<void> {
  const client = new DynamoDBClient(config);
  try {
    await createIfMissing(client, name);
  } finally {
    client.destroy();
  }
}

async function createIfMissing(client: DynamoDBClient, name: string): Promise<void> {
  try {
    await waitUntilActive(client, name);
    return;
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException)) throw err;
  }
  const d = tableDefinition;
  const attrs = new Set<string>([d.partitionKey, d.sortKey, ...d.globalSecondaryIndexes.flatMap((g) => [g.partitionKey, g.sortKey])]);
  await client.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [...attrs].map((a) => ({ AttributeName: a, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: d.partitionKey, KeyType: 'HASH' },
        { AttributeName: d.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: d.globalSecondaryIndexes.map((g) => ({
        IndexName: g.indexName,
        KeySchema: [
          { AttributeName: g.partitionKey, KeyType: 'HASH' },
          { AttributeName: g.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    }),
  );
  await waitUntilActive(client, name);
}

/** dynalite answers ResourceNotFound while a table is CREATING, so wait for ACTIVE before first use. */
async function waitUntilActive(client: DynamoDBClient, name: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const out = await client.send(new DescribeTableCommand({ TableName: name }));
    if (out.Table?.TableStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`Table ${name} did not become ACTIVE`);
}

