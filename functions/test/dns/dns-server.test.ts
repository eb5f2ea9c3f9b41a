import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeDnsLookup } from '../../src/adapters/dns/node-dns-lookup.ts';
import type { DnsServerRecord } from '../../src/local/dns-server/dns-server-record.ts';
import { startDnsServer, type DnsServer } from '../../src/local/dns-server/dns-server.ts';
import { DnsLookupError } from '../../src/modules/dns/dns-lookup-error.ts';
import { queryTcp, queryUdp, txtStrings } from './raw-dns-client.ts';

const LONG_TXT = `v=DKIM1; k=rsa; p=${'A'.repeat(582)}`; // 600 bytes: three character-strings
const zone: DnsServerRecord[] = [
  { name: 'example.com', type: 'A', value: '192.0.2.10' },
  { name: 'example.com', type: 'MX', value: 'mailserver.purelymail.com', priority: 10 },
  { name: 'long.example.com', type: 'TXT', value: LONG_TXT },
  { name: 'utf8.example.com', type: 'TXT', value: 'é'.repeat(200) }, // 400 bytes, 200 characters
  { name: 'purelymail1._domainkey.example.com', type: 'CNAME', value: 'key1.dkimroot.purelymail.com' },
  { name: 'alias.example.com', type: 'CNAME', value: 'long.example.com.' },
];

let records: () => readonly DnsServerRecord[] = () => zone;
let server: DnsServer;
let lookup: NodeDnsLookup;

beforeAll(async () => {
  server = await startDnsServer({ records: () => records() });
  lookup = new NodeDnsLookup({ servers: [server.server], timeoutMs: 1_000, tries: 2 });
});

afterAll(async () => {
  await server.close();
});

describe('loopback DNS server', () => {
  it('listens on a random loopback port for UDP and TCP', async () => {
    expect(server.address).toBe('127.0.0.1');
    expect(server.port).toBeGreaterThan(0);
    expect(server.server).toBe(`127.0.0.1:${server.port}`);
    expect((await queryTcp(server.port, 'example.com', 'A')).answers).toMatchObject([{ type: 'A', data: '192.0.2.10' }]);
  });

  it('splits a long TXT value into 255-byte strings that a resolver joins back', async () => {
    const reply = await queryTcp(server.port, 'long.example.com', 'TXT');
    const strings = txtStrings(reply);

    expect(strings.map((s) => s.length)).toEqual([255, 255, 90]);
    expect(await lookup.txt('long.example.com')).toEqual([LONG_TXT]);
  });

  it('splits on bytes, so multi-byte characters survive the round trip', async () => {
    const reply = await queryTcp(server.port, 'utf8.example.com', 'TXT');

    expect(txtStrings(reply).map((s) => s.length)).toEqual([255, 145]);
    expect(await lookup.txt('utf8.example.com')).toEqual(['é'.repeat(200)]);
  });

  it('sets the truncation flag when a UDP reply would exceed 512 bytes without EDNS, and not with it', async () => {
    const classic = await queryUdp(server.port, 'long.example.com', 'TXT');
    const edns = await queryUdp(server.port, 'long.example.com', 'TXT', true);

    expect(classic.flag_tc).toBe(true);
    expect(classic.answers).toEqual([]);
    expect(edns.flag_tc).toBe(false);
    expect(edns.answers).toHaveLength(1);
  });

  it('answers NXDOMAIN for unknown names and NODATA for names that only have other types', async () => {
    const unknown = await queryUdp(server.port, 'nothing.example.com', 'TXT');
    const otherType = await queryUdp(server.port, 'example.com', 'TXT');
    const emptyNonTerminal = await queryUdp(server.port, '_domainkey.example.com', 'CNAME');

    expect(unknown).toMatchObject({ rcode: 'NXDOMAIN', flag_aa: true, id: 4242, answers: [] });
    expect(otherType).toMatchObject({ rcode: 'NOERROR', answers: [] });
    expect(emptyNonTerminal).toMatchObject({ rcode: 'NOERROR', answers: [] });
    expect(await lookup.txt('nothing.example.com')).toEqual([]);
    expect(await lookup.txt('example.com')).toEqual([]);
  });

  it('answers any type at a CNAME with the CNAME, following it through its own records', async () => {
    const dkim = await queryUdp(server.port, 'purelymail1._domainkey.example.com', 'TXT');
    const alias = await queryUdp(server.port, 'alias.example.com', 'TXT', true);

    expect(dkim.answers).toMatchObject([{ type: 'CNAME', data: 'key1.dkimroot.purelymail.com' }]);
    expect(alias.answers?.map((a) => a.type)).toEqual(['CNAME', 'TXT']);
    expect(await lookup.cname('purelymail1._domainkey.example.com')).toEqual(['key1.dkimroot.purelymail.com']);
    expect(await lookup.mx('EXAMPLE.com.')).toEqual([{ exchange: 'mailserver.purelymail.com', priority: 10 }]);
  });

  it('reads the records on every query, so changes show up at once', async () => {
    records = () => [...zone, { name: 'new.example.com', type: 'TXT', value: 'hello' }];
    try {
      expect(await lookup.txt('new.example.com')).toEqual(['hello']);
    } finally {
      records = () => zone;
    }
    expect(await lookup.txt('new.example.com')).toEqual([]);
  });

  it('answers SERVFAIL when the records cannot be read, which the lookup reports as a failure', async () => {
    records = () => {
      throw new Error('sandbox unavailable');
    };
    try {
      expect((await queryUdp(server.port, 'example.com', 'MX')).rcode).toBe('SERVFAIL');
      const failure = await lookup.mx('example.com').catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(DnsLookupError);
      expect(failure).toMatchObject({ hostname: 'example.com', recordType: 'MX', reason: 'ESERVFAIL' });
    } finally {
      records = () => zone;
    }
  });
});
