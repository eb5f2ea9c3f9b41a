import { ConditionalCheckFailedException, DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Logger } from '../../platform/logger.ts';

/** The document client plus the table it talks to: what every DynamoDB store receives. */
export interface Table {
  readonly doc: DynamoDBDocumentClient;
  readonly name: string;
  /** Where items that fail their schema on read are reported (stored-item.ts); a JSON line on stderr without one. */
  readonly logger?: Logger;
}

/** A table whose client this runtime made, and so closes (the document client's own destroy() does nothing). */
export interface OpenTable extends Table {
  /** Closes the client's kept-alive connections. */
  destroy(): void;
}

/**
 * Per attempt: a connection that stops answering fails here, well before the Lambda's own timeout, and the SDK
 * retries it. Without `throwOnRequestTimeout` the SDK would only log a warning and keep waiting.
 */
const REQUEST_HANDLER = { requestTimeout: 10_000, throwOnRequestTimeout: true };

/**
 * The table through the AWS SDK's DynamoDB document client, in every runtime. Region, credentials and endpoint
 * come from the environment unless `config` says otherwise (locally: dynalite's socket, local-socket.ts).
 * Undefined values are dropped when writing, so an optional field is an absent attribute, never a NULL.
 */
export function createTable(name: string, config: DynamoDBClientConfig = {}, logger?: Logger): OpenTable {
  const client = new DynamoDBClient({ requestHandler: REQUEST_HANDLER, ...config });
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return { doc, name, ...(logger ? { logger } : {}), destroy: () => client.destroy() };
}

/** A write whose condition did not hold: recognised by the SDK's exception class. */
export function isConditionalCheckFailed(err: unknown): boolean {
  return err instanceof ConditionalCheckFailedException;
}

/** Epoch seconds for the TTL attribute. TTL is advisory: readers still check expiry themselves. */
export const ttlSeconds = (at: Date): number => Math.floor(at.getTime() / 1000);
