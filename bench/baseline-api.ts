/**
 * The cold-start baseline of `npm run bench:api`: the least a Hono api on Lambda with DynamoDB does. One route,
 * one GetItem through `@aws-sdk/lib-dynamodb`, the client built at init as a handler would. It is bundled with
 * the api's own build options (infra/lib/constructs/lambda-build-options.ts), so the difference between the two
 * is our code and what it loads, not the toolchain.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';

/** The item the bench puts in the table for this route to read. */
export const BASELINE_KEY = { pk: 'BENCH#baseline', sk: 'item' } as const;

const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const app = new Hono().get('/api/item', async (c) => {
  const { Item } = await doc.send(new GetCommand({ TableName: process.env.TABLE_NAME, Key: BASELINE_KEY }));
  return Item ? c.json(Item) : c.json({ error: 'not found' }, 404);
});

export const handler = handle(app);
