// One DNS question over UDP to one chosen server, with dns-packet as the codec. Written here because Node's
// resolver (c-ares, NodeDnsLookup) returns no TTL for MX and cannot say whether an answer is authoritative, and
// both are what the cutover needs; the transport is the few lines below, the wire format is dns-packet's.
import { randomInt } from 'node:crypto';
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import * as dnsPacket from 'dns-packet';
import { parseServer, type DnsServerAddress } from './dns-server-address.ts';

export type QueryType = 'MX' | 'NS' | 'A';

export interface UdpQueryOptions {
  /** Per attempt. @default 2000 */
  timeoutMs?: number;
  /** Attempts before giving up (UDP may drop a datagram). @default 2 */
  tries?: number;
  /** Ask for recursion (a resolver); false to ask a zone's own server for its authoritative answer. @default true */
  recursionDesired?: boolean;
}

export interface DnsReply {
  rcode: string;
  authoritative: boolean;
  truncated: boolean;
  answers: dnsPacket.Answer[];
}

/** Why a query got no usable answer, in words an admin can act on. */
export class DnsQueryError extends Error {
  override readonly name = 'DnsQueryError';
  constructor(
    readonly server: string,
    /** TIMEOUT, SERVFAIL, REFUSED, TRUNCATED, BADREPLY or a socket error code. */
    readonly reason: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

const EDNS_PAYLOAD = 1232;

/** Sends one question and returns the reply; a timeout, SERVFAIL, REFUSED or a truncated reply rejects with DnsQueryError. */
export async function queryUdp(server: string, name: string, type: QueryType, opts: UdpQueryOptions = {}): Promise<DnsReply> {
  const address = parseServer(server);
  const tries = Math.max(1, opts.tries ?? 2);
  let last: unknown;
  for (let attempt = 1; attempt <= tries; attempt++) {
    try {
      return await askOnce(server, address, name, type, opts);
    } catch (err) {
      last = err;
      // Only silence is worth asking again; an answer that says "failed" would say it again.
      if (!(err instanceof DnsQueryError) || err.reason !== 'TIMEOUT') throw err;
    }
  }
  throw last;
}

function askOnce(label: string, address: DnsServerAddress, name: string, type: QueryType, opts: UdpQueryOptions): Promise<DnsReply> {
  const timeoutMs = opts.timeoutMs ?? 2_000;
  const id = randomInt(0, 0x10000);
  const query = dnsPacket.encode({
    type: 'query',
    id,
    flags: opts.recursionDesired === false ? 0 : dnsPacket.RECURSION_DESIRED,
    questions: [{ type, name, class: 'IN' }],
    // EDNS0: answers up to 1232 bytes fit in one datagram (the DNS flag day's safe size).
    additionals: [{ type: 'OPT', name: '.', udpPayloadSize: EDNS_PAYLOAD, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }],
  });
  const socket = dgram.createSocket(net.isIPv6(address.host) ? 'udp6' : 'udp4');
  return new Promise<DnsReply>((resolve, reject) => {
    const done = (fn: () => void) => {
      clearTimeout(timer);
      socket.removeAllListeners('message');
      socket.close();
      fn();
    };
    const timer = setTimeout(() => done(() => reject(new DnsQueryError(label, 'TIMEOUT', `${label} did not answer within ${timeoutMs / 1000} s`))), timeoutMs);
    socket.on('error', (err: NodeJS.ErrnoException) => done(() => reject(new DnsQueryError(label, err.code ?? 'ERROR', `${label} could not be asked (${err.code ?? err.message})`, { cause: err }))));
    socket.on('message', (message, remote) => {
      // Only the server we asked, with our id and our question, may answer (a stray datagram is ignored).
      if (remote.port !== address.port) return;
      let reply: dnsPacket.DecodedPacket;
      try {
        reply = dnsPacket.decode(message);
      } catch {
        return;
      }
      const question = reply.questions?.[0];
      if (reply.id !== id || reply.type !== 'response' || !question || question.name.toLowerCase() !== name.replace(/\.$/, '').toLowerCase()) return;
      const rcode = (reply as dnsPacket.DecodedPacket & { rcode?: string }).rcode ?? 'NOERROR';
      done(() => {
        if (rcode !== 'NOERROR' && rcode !== 'NXDOMAIN') return reject(new DnsQueryError(label, rcode, `${label} answered ${rcode} for ${type} ${name}`));
        if (reply.flag_tc) return reject(new DnsQueryError(label, 'TRUNCATED', `${label} sent a truncated answer for ${type} ${name}`));
        resolve({ rcode, authoritative: reply.flag_aa, truncated: reply.flag_tc, answers: reply.answers ?? [] });
      });
    });
    socket.send(query, address.port, address.host);
  });
}
