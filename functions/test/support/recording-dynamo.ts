import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TableAccess } from '../../src/adapters/dynamodb/table-access.ts';

type AttributeValue = { S?: string };
type Body = Record<string, unknown>;

/**
 * The partition keys a DynamoDB request names, read off the wire as IAM reads them for `dynamodb:LeadingKeys`:
 * the item's or key's `pk`, a query's partition value (`pk` or, on the index, `gsi1pk`), every key of a batch.
 * A Scan names none.
 */
export function leadingKeysOf(operation: string, body: Body): TableAccess[] {
  const pk = (item: unknown) => ((item as Record<string, AttributeValue> | undefined)?.pk?.S ?? '(no pk)');
  switch (operation) {
    case 'GetItem':
    case 'DeleteItem':
    case 'UpdateItem':
      return [{ operation, key: pk(body.Key) }];
    case 'PutItem':
      return [{ operation, key: pk(body.Item) }];
    case 'Query': {
      const names = (body.ExpressionAttributeNames ?? {}) as Record<string, string>;
      const values = (body.ExpressionAttributeValues ?? {}) as Record<string, AttributeValue>;
      const index = body.IndexName as string | undefined;
      const partition = index ? 'gsi1pk' : 'pk';
      const match = [...String(body.KeyConditionExpression).matchAll(/([#\w]+)\s*=\s*(:\w+)/g)].find(([, attr]) => (names[attr!] ?? attr) === partition);
      return [{ operation, index, key: match ? (values[match[2]!]?.S ?? '(no value)') : '(no partition condition)' }];
    }
    case 'BatchGetItem':
      return Object.values(body.RequestItems as Record<string, { Keys: unknown[] }>).flatMap((r) => r.Keys.map((k) => ({ operation, key: pk(k) })));
    case 'BatchWriteItem':
      return Object.values(body.RequestItems as Record<string, { PutRequest?: { Item: unknown }; DeleteRequest?: { Key: unknown } }[]>).flatMap((requests) =>
        requests.map((r) => ({ operation, key: pk(r.PutRequest?.Item ?? r.DeleteRequest?.Key) })),
      );
    default:
      return [{ operation, key: '(none)' }];
  }
}

const read = (req: IncomingMessage) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

/**
 * A DynamoDB endpoint in front of dynalite that records every request's operation and partition keys: point one
 * runtime (a Lambda composition, the worker process) at it to learn exactly which items it touches, whatever
 * client it uses (the lite client or the AWS SDK). `target` is dynalite's endpoint, or a function giving it; with
 * `socketPath` the recorder listens on that Unix socket instead of a loopback port.
 */
export async function startRecordingDynamo(
  target: string | (() => string),
  opts: { socketPath?: string } = {},
): Promise<{ endpoint: string; socketPath?: string; accesses: TableAccess[]; close(): Promise<void> }> {
  const accesses: TableAccess[] = [];
  const server = createServer((req, res) => {
    void read(req).then((body) => {
      const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '?';
      try {
        accesses.push(...leadingKeysOf(operation, JSON.parse(body.toString('utf8') || '{}') as Body));
      } catch {
        accesses.push({ operation, key: '(unreadable request)' });
      }
      // The target may be known only after the proxy started (a runtime that starts dynalite itself).
      const upstream = new URL(typeof target === 'string' ? target : target());
      const forward = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      forward.on('error', () => res.destroy());
      forward.end(body);
    });
  });
  // On a Unix socket for the local worker, which reaches its database only that way (DYNAMODB_SOCKET).
  if (opts.socketPath) await new Promise<void>((resolve) => server.listen(opts.socketPath, resolve));
  else await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: opts.socketPath ? 'http://localhost' : `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    ...(opts.socketPath ? { socketPath: opts.socketPath } : {}),
    accesses,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
