import * as http from 'node:http';
import * as net from 'node:net';
import { resolve } from 'node:path';
import type { Duplex } from 'node:stream';

/*
 * The local database (dynalite) listens on a Unix socket inside DATA_DIR instead of a TCP port: a TCP port on
 * loopback is open to every local user and, through the browser, to every web page (dynalite checks no
 * signature and answers any origin). The socket file is 0600 in a 0700 directory, so only the panel's own user
 * can connect. Clients reach it through an http.Agent whose connections dial the socket, handed to the AWS SDK's
 * NodeHttpHandler (`requestHandler: { httpAgent }`).
 */

export const DYNAMO_SOCKET_FILE = 'dynamodb.sock';

/** sun_path holds 108 bytes on Linux (104 on macOS) with the terminating NUL. */
const MAX_SOCKET_PATH_BYTES = 103;

/** Any name will do: the agent never resolves it (requests are signed with it as the host). */
export const SOCKET_ENDPOINT = 'http://dynamodb.local';

/** The socket of the database whose data lives in `dataDir`. */
export function dynamoSocketPath(dataDir: string): string {
  const path = resolve(dataDir, DYNAMO_SOCKET_FILE);
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES) {
    throw new Error(`DATA_DIR is too deep for the database's private socket (${path} is over ${MAX_SOCKET_PATH_BYTES} bytes); use a shorter DATA_DIR.`);
  }
  return path;
}

/** A keep-alive agent whose every connection is a Unix socket connection to `socketPath`. */
export class UnixSocketAgent extends http.Agent {
  constructor(readonly socketPath: string) {
    super({ keepAlive: true, maxSockets: 50 });
  }
  // Returned synchronously, as net.createConnection is by default: connection errors reach the request.
  override createConnection(): Duplex {
    return net.createConnection({ path: this.socketPath });
  }
}

/** Static credentials: dynalite checks none, and nothing but the panel's user can reach the socket. */
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** Client config (createTable, table.ts) reaching the database over its socket: the SDK's NodeHttpHandler with the agent. */
export function socketClientConfig(socketPath: string) {
  return { endpoint: SOCKET_ENDPOINT, region: 'local', credentials: LOCAL_CREDENTIALS, requestHandler: { httpAgent: new UnixSocketAgent(socketPath) } };
}

/** True when a server accepts connections on the socket (a running panel); false for a missing or stale socket. */
export function socketAnswers(socketPath: string, timeoutMs = 2_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.createConnection({ path: socketPath });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
