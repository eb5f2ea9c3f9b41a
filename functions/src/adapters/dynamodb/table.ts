import type { DocumentSender } from './document-commands.ts';
import { createLiteDocumentClient, type LiteClientConfig } from './dynamodb-lite-client.ts';

/** A document client plus the table it talks to: what every DynamoDB store receives. */
export interface Table {
  doc: DocumentSender;
  name: string;
}

/**
 * The table through the lite client (dynamodb-lite-client.ts): what the Lambdas and the local runtime use. Where
 * credentials come from elsewhere than the environment (the ECS worker, a developer's profile), use sdk-table.ts.
 */
export function createTable(name: string, config: LiteClientConfig = {}): Table {
  return { doc: createLiteDocumentClient(config), name };
}

/** Both clients name their errors as DynamoDB does, so the name is the check. */
export function isConditionalCheckFailed(err: unknown): boolean {
  return (err as { name?: string } | null)?.name === 'ConditionalCheckFailedException';
}

/** Epoch seconds for the TTL attribute. TTL is advisory: readers still check expiry themselves. */
export const ttlSeconds = (at: Date): number => Math.floor(at.getTime() / 1000);
