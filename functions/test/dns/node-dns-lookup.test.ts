import * as dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeDnsLookup } from '../../src/adapters/dns/node-dns-lookup.ts';
import { diagnoseDomain } from '../../src/modules/dns/diagnose-domain.ts';
import { DnsLookupError } from '../../src/modules/dns/dns-lookup-error.ts';

// A UDP socket that reads queries and never answers: a DNS server that has gone silent.
let silent: dgram.Socket;
let silentServer: string;

beforeAll(async () => {
  silent = dgram.createSocket('udp4');
  silent.on('message', () => undefined);
  await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
  silentServer = `127.0.0.1:${silent.address().port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => silent.close(() => resolve()));
});

describe('NodeDnsLookup when the server never answers', () => {
  const lookup = () => new NodeDnsLookup({ servers: [silentServer], timeoutMs: 100, tries: 1 });

  it('throws a DnsLookupError rather than reporting the record missing', async () => {
    const failure = await lookup()
      .txt('example.com')
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(DnsLookupError);
    expect(failure).toMatchObject({ hostname: 'example.com', recordType: 'TXT', reason: 'ETIMEOUT' });
    expect((failure as Error).message).toBe('TXT lookup for example.com failed (ETIMEOUT)');
  });

  it('makes diagnoseDomain mark every record as an error and say the report is incomplete', async () => {
    const report = await diagnoseDomain({
      domain: 'example.com',
      ownershipCode: 'purelymail_ownership_proof=abc',
      lookup: lookup(),
      summary: null,
      now: new Date('2026-03-01T12:00:00.000Z'),
    });

    expect(report.records.map((r) => r.status)).toEqual(Array(7).fill('error'));
    expect(report.records.every((r) => r.problems.map((p) => p.code).join() === 'lookup_failed')).toBe(true);
    expect(report.records.every((r) => r.purelymailVerdict === null)).toBe(true);
    expect(report).toMatchObject({ passing: 0, failing: 7 });
    expect(report.lookupError).toContain('ETIMEOUT');
  });
});
