import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { ensureTable } from './sdk-table.ts';
import { createTable, type Table } from './table.ts';

/**
 * Starts dynalite (a real DynamoDB wire-protocol server) on loopback, on disk when `path` is given
 * (in memory otherwise), and creates the table. Local and test runtimes only.
 */
export async function startLocalDynamo(opts: { path?: string; tableName: string; port?: number }): Promise<{ table: Table; endpoint: string; close(): Promise<void> }> {
  if (opts.path) mkdirSync(opts.path, { recursive: true });
  const server = dynalite({ path: opts.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const config = { endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 2 };
  // The stores use the lite client, as on Lambda; only the table's creation goes through the SDK.
  await ensureTable(opts.tableName, config);
  const table = createTable(opts.tableName, config);
  return {
    table,
    endpoint,
    close: () =>
      new Promise<void>((resolve) => {
        table.doc.destroy();
        server.close(() => resolve());
      }),
  };
}
