import { connect, createServer, type Socket } from 'node:net';

/** A TCP relay in front of dovecot that counts connections: proves which attempts reached the IMAP server. */
export async function startCountingProxy(targetPort: number): Promise<{ port: number; connections: () => number; close(): Promise<void> }> {
  let count = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    count++;
    // Each connection from its own loopback address: dovecot's per-IP auth penalty (up to 15 s a try) would
    // otherwise slow the per-address cap test past the login timeout; the cap under test is ours, not dovecot's.
    const upstream = connect({ port: targetPort, host: '127.0.0.1', localAddress: `127.0.${Math.floor(count / 250)}.${(count % 250) + 2}` });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => s.destroy());
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as { port: number }).port,
    connections: () => count,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
