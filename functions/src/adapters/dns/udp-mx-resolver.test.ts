import * as dgram from 'node:dgram';
import * as dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type DnsServer } from '../../local/dns-server/dns-server.ts';
import { makeDnsCutover } from '../../modules/dns-cutover/dns-cutover.ts';
import { parseServer } from './dns-server-address.ts';
import { createUdpMxResolver } from './udp-mx-resolver.ts';

/**
 * A recursive resolver's view, on loopback: it answers from a cache (not authoritative, 17 s left of the MX's TTL),
 * names ns1.zone.test as the zone's nameserver, and gives 127.0.0.1 as its address.
 */
async function startCachingResolver(): Promise<{ server: string; close: () => Promise<void>; questions: string[] }> {
  const socket = dgram.createSocket('udp4');
  const questions: string[] = [];
  socket.on('message', (message, remote) => {
    const query = dnsPacket.decode(message);
    const q = query.questions![0]!;
    questions.push(`${q.type} ${q.name}`);
    const answers: dnsPacket.Answer[] =
      q.type === 'NS'
        ? [{ name: q.name, type: 'NS', ttl: 3600, data: 'ns1.zone.test' }]
        : q.type === 'A'
          ? [{ name: q.name, type: 'A', ttl: 3600, data: '127.0.0.1' }]
          : [{ name: q.name, type: 'MX', ttl: 17, data: { preference: 10, exchange: 'mx.oldhost.test' } }];
    socket.send(dnsPacket.encode({ id: query.id, type: 'response', flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE, questions: query.questions, answers }), remote.port, remote.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { server: `127.0.0.1:${socket.address().port}`, questions, close: () => new Promise((resolve) => socket.close(() => resolve())) };
}

describe('UDP MX resolver', () => {
  let authoritative: DnsServer;
  let caching: Awaited<ReturnType<typeof startCachingResolver>>;
  const clock = { now: () => new Date('2026-12-07T06:00:00Z') };
  beforeAll(async () => {
    // The zone's own server: authoritative, the TTL as configured (the loopback DNS server publishes 60 s).
    authoritative = await startDnsServer({ records: () => [{ name: 'zone.test', type: 'MX', value: 'mx.oldhost.test', priority: 10 }] });
    caching = await startCachingResolver();
  });
  afterAll(async () => {
    await authoritative.close();
    await caching.close();
  });

  it("reads the TTL from the zone's own nameserver when the resolver's answer comes from its cache", async () => {
    const resolver = createUdpMxResolver(caching.server, { nameserverPort: authoritative.port });
    expect(await resolver.mx('zone.test')).toEqual({ hosts: [{ exchange: 'mx.oldhost.test', priority: 10 }], ttlSeconds: 17, authoritative: false });
    const old = await makeDnsCutover({ provider: null, resolvers: [resolver], clock }).oldMx('zone.test');
    expect(old).toMatchObject({ hosts: ['mx.oldhost.test'], ttlSeconds: 60, ttlFrom: 'authoritative', asked: 1, answered: 1 });
    expect(caching.questions).toEqual(['MX zone.test', 'MX zone.test', 'NS zone.test', 'A ns1.zone.test']);
  });

  it("falls back to the resolver's TTL, and says so, when the zone's nameserver does not answer", async () => {
    const silent = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    try {
      const resolver = createUdpMxResolver(caching.server, { nameserverPort: silent.address().port, timeoutMs: 200, tries: 1 });
      expect(await makeDnsCutover({ provider: null, resolvers: [resolver], clock }).oldMx('zone.test')).toMatchObject({ ttlSeconds: 17, ttlFrom: 'resolver', error: null });
    } finally {
      silent.close();
    }
  });

  it('takes server addresses with or without a port, IPv4 or IPv6, and refuses names', () => {
    expect(parseServer('1.1.1.1')).toEqual({ host: '1.1.1.1', port: 53 });
    expect(parseServer('127.0.0.1:5353')).toEqual({ host: '127.0.0.1', port: 5353 });
    expect(parseServer('[::1]:5353')).toEqual({ host: '::1', port: 5353 });
    expect(parseServer('2606:4700:4700::1111')).toEqual({ host: '2606:4700:4700::1111', port: 53 });
    expect(() => createUdpMxResolver('dns.google')).toThrow('"dns.google" is not a DNS server address (an IP address, optionally with :port)');
  });
});
