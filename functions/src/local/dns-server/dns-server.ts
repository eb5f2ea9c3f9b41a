import * as dgram from 'node:dgram';
import * as net from 'node:net';
import * as dnsPacket from 'dns-packet';
import { answerQuery, serverFailure } from './answer-query.ts';
import type { DnsServerRecord } from './dns-server-record.ts';

export interface DnsServerOptions {
  /** 0 (the default) picks a free port; UDP and TCP share it. */
  port?: number;
  host?: string;
  /** Called for every query, so a change to the records shows up at once. */
  records: () => readonly DnsServerRecord[];
}

export interface DnsServer {
  port: number;
  address: string;
  /** `address:port`, ready for NodeDnsLookup's `servers`. */
  server: string;
  close(): Promise<void>;
}

// Without EDNS a UDP reply may not exceed 512 bytes (RFC 1035 §4.2.1); above it we set TC and the client retries over TCP.
const CLASSIC_UDP_LIMIT = 512;
const BIND_ATTEMPTS = 10;

/** A small authoritative DNS server on loopback (UDP and TCP) for local runs and tests. */
export async function startDnsServer(options: DnsServerOptions): Promise<DnsServer> {
  const host = options.host ?? '127.0.0.1';
  const respond = (query: dnsPacket.Packet): dnsPacket.Packet => {
    try {
      return answerQuery(query, options.records());
    } catch {
      return serverFailure(query);
    }
  };

  for (let attempt = 1; ; attempt++) {
    const udp = await bindUdp(host, options.port ?? 0, respond);
    const port = udp.address().port;
    try {
      const tcp = await listenTcp(host, port, respond);
      return {
        port,
        address: host,
        server: net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`,
        close: () => Promise.all([closeUdp(udp), tcp.close()]).then(() => undefined),
      };
    } catch (error) {
      await closeUdp(udp);
      // A random UDP port whose TCP twin is taken: try another one.
      const retry = (options.port ?? 0) === 0 && attempt < BIND_ATTEMPTS && isAddressInUse(error);
      if (!retry) throw error;
    }
  }
}

function bindUdp(host: string, port: number, respond: (q: dnsPacket.Packet) => dnsPacket.Packet): Promise<dgram.Socket> {
  const socket = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
  socket.on('message', (message, remote) => {
    let query: dnsPacket.Packet;
    try {
      query = dnsPacket.decode(message);
    } catch {
      return; // Not DNS: say nothing, as real servers do.
    }
    if (query.type !== 'query') return;
    socket.send(encodeForUdp(query, respond(query)), remote.port, remote.address);
  });
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, host, () => {
      socket.off('error', reject);
      // Sending to a client that went away must not crash the process.
      socket.on('error', () => undefined);
      resolve(socket);
    });
  });
}

function encodeForUdp(query: dnsPacket.Packet, reply: dnsPacket.Packet): Buffer {
  const opt = query.additionals?.find((a) => a.type === 'OPT');
  const limit = Math.max(CLASSIC_UDP_LIMIT, opt?.udpPayloadSize ?? CLASSIC_UDP_LIMIT);
  const encoded = dnsPacket.encode(reply);
  if (encoded.length <= limit) return encoded;
  return dnsPacket.encode({ ...reply, flags: (reply.flags ?? 0) | dnsPacket.TRUNCATED_RESPONSE, answers: [] });
}

interface TcpListener {
  close(): Promise<void>;
}

function listenTcp(host: string, port: number, respond: (q: dnsPacket.Packet) => dnsPacket.Packet): Promise<TcpListener> {
  const connections = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
    socket.on('error', () => socket.destroy());
    let pending = Buffer.alloc(0);
    socket.on('data', (data) => {
      pending = Buffer.concat([pending, data]);
      // Each message is prefixed by its 2-byte length (RFC 1035 §4.2.2); several may share a segment.
      while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        const length = pending.readUInt16BE(0);
        const message = pending.subarray(2, 2 + length);
        pending = pending.subarray(2 + length);
        let query: dnsPacket.Packet;
        try {
          query = dnsPacket.decode(message);
        } catch {
          socket.destroy();
          return;
        }
        socket.write(dnsPacket.streamEncode(respond(query)));
      }
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve({
        close: () =>
          new Promise<void>((done) => {
            for (const socket of connections) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

function closeUdp(socket: dgram.Socket): Promise<void> {
  return new Promise((resolve) => socket.close(() => resolve()));
}

function isAddressInUse(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'EADDRINUSE';
}
