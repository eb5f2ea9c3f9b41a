import { DynamoDBClient, type DynamoDBClientConfig, ConditionalCheckFailedException, CreateTableCommand, DescribeTableCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tableDefinition } from './table-definition.ts';

/** A document client plus the table it talks to: what every DynamoDB store receives. */
export interface Table {
  doc: DynamoDBDocumentClient;
  name: string;
}

export function createTable(name: string, config: DynamoDBClientConfig = {}): Table {
  const client = new DynamoDBClient(config);
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return { doc, name };
}

export function isConditionalCheckFailed(err: unknown): boolean {
  return err instanceof ConditionalCheckFailedException || (err as { name?: string } | null)?.name === 'ConditionalCheckFailedException';
}

/** Creates the table from the shared definition if it does not exist (local and test runtimes only). */
export async function ensureTable(table: Table): Promise<void> {
  try {
    await waitUntilActive(table);
    return;
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException) && (err as { name?: string }).name !== 'ResourceNotFoundException') throw err;
  }
  const d = tableDefinition;
  const attrs = new Set<string>([d.partitionKey, d.sortKey, ...d.globalSecondaryIndexes.flatMap((g) => [g.partitionKey, g.sortKey])]);
  await table.doc.send(
    new CreateTableCommand({
      TableName: table.name,
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
  await waitUntilActive(table);
}

/** dynalite answers ResourceNotFound while a table is CREATING, so wait for ACTIVE before first use. */
async function waitUntilActive(table: Table): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const out = await table.doc.send(new DescribeTableCommand({ TableName: table.name }));
    if (out.Table?.TableStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`Table ${table.name} did not become ACTIVE`);
}

/** Epoch seconds for the TTL attribute. TTL is advisory: readers still check expiry themselves. */
export const ttlSeconds = (at: Date): number => Math.floor(at.getTime() / 1000);
