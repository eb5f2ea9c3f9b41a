import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { ensureTable } from './ensure-table.ts';
import { socketAnswers, socketClientConfig } from './local-socket.ts';
import { createTable, type OpenTable } from './table.ts';
import type { Logger } from '../../platform/logger.ts';

/** Another process (a running `npm start`) already serves the database of this data directory. */
export class DatabaseInUseError extends Error {
  override name = 'DatabaseInUseError';
}

export interface LocalDynamo {
  table: OpenTable;
  /** The Unix socket the database listens on (the local runtime, the admin CLI). */
  socketPath?: string;
  /** `http://127.0.0.1:<port>`, only when started on TCP (tests of AWS-shaped code that read AWS_ENDPOINT_URL_DYNAMODB). */
  endpoint?: string;
  close(): Promise<void>;
}

/**
 * Starts dynalite (a real DynamoDB wire-protocol server), on disk when `path` is given (in memory otherwise),
 * and creates the table. `logger` receives the stores' reports of items that fail their schema (stored-item.ts).
 * - With `socketPath` (the local runtime and the admin CLI): on that Unix socket, mode 0600, and nowhere else.
 *   A socket some other process answers on is refused (DatabaseInUseError); a stale one is replaced.
 * - Without it: on a random loopback TCP port, for tests that run AWS-shaped code against an endpoint URL.
 *   Never used by `npm start`: a loopback port is open to every local user and web page.
 */
export async function startLocalDynamo(opts: { path?: string; tableName: string; socketPath: string; logger?: Logger }): Promise<LocalDynamo & { socketPath: string }>;
export async function startLocalDynamo(opts: { path?: string; tableName: string; logger?: Logger }): Promise<LocalDynamo & { endpoint: string }>;
export async function startLocalDynamo(opts: { path?: string; tableName: string; socketPath?: string; logger?: Logger }): Promise<LocalDynamo> {
  if (opts.path) mkdirSync(opts.path, { recursive: true, mode: 0o700 });
  if (opts.socketPath) {
    if (await socketAnswers(opts.socketPath)) throw new DatabaseInUseError('PurelyManage is already running with this data directory (its database socket answers); stop it first, or use the running panel.');
    rmSync(opts.socketPath, { force: true });
  }
  const server = dynalite({ path: opts.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if (opts.socketPath) server.listen(opts.socketPath, () => resolve());
    else server.listen(0, '127.0.0.1', () => resolve());
  });
  // One config per client: destroying a client destroys its agent's connections.
  let config: () => DynamoDBClientConfig;
  let endpoint: string | undefined;
  if (opts.socketPath) {
    const socketPath = opts.socketPath;
    chmodSync(socketPath, 0o600);
    config = () => ({ ...socketClientConfig(socketPath), maxAttempts: 2 });
  } else {
    const url = (endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    config = () => ({ endpoint: url, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 2 });
  }
  await ensureTable(opts.tableName, config());
  const table = createTable(opts.tableName, config(), opts.logger);
  return {
    table,
    ...(opts.socketPath ? { socketPath: opts.socketPath } : {}),
    ...(endpoint ? { endpoint } : {}),
    // Requests still in flight are answered before the client goes: destroying the client first cut their
    // sockets, dynalite then closed its database under the operations it was still running, and they failed as
    // uncaught "Database is closed" errors in whatever process hosts it. So: stop accepting, let busy
    // connections finish and close each as soon as it is idle, then close the client.
    close: () =>
      new Promise<void>((resolve) => {
        const idle = setInterval(() => server.closeIdleConnections(), 10);
        server.close(() => {
          clearInterval(idle);
          table.destroy();
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
