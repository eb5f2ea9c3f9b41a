import * as net from 'node:net';

export interface DnsServerAddress {
  host: string;
  port: number;
}

/** "1.1.1.1", "1.1.1.1:53", "127.0.0.1:5353", "[::1]:5353" or "::1" → host and port (53 when absent). */
export function parseServer(server: string): DnsServerAddress {
  const s = server.trim();
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (bracketed) return { host: bracketed[1]!, port: bracketed[2] ? Number(bracketed[2]) : 53 };
  if (net.isIP(s)) return { host: s, port: 53 };
  const hostPort = /^([^:]+):(\d+)$/.exec(s);
  if (hostPort && net.isIP(hostPort[1]!)) return { host: hostPort[1]!, port: Number(hostPort[2]) };
  throw new Error(`"${server}" is not a DNS server address (an IP address, optionally with :port)`);
}
