import type { DnsRecordKind, DomainDnsReport } from '@app/shared/schemas/dns';
import { DomainDnsReport as DomainDnsReportSchema } from '@app/shared/schemas/dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeDnsLookup } from '../../src/adapters/dns/node-dns-lookup.ts';
import type { DnsServerRecord } from '../../src/local/dns-server/dns-server-record.ts';
import { startDnsServer, type DnsServer } from '../../src/local/dns-server/dns-server.ts';
import { diagnoseDomain } from '../../src/modules/dns/diagnose-domain.ts';
import { OWNERSHIP_CODE, correctZone, zoneWith } from './purelymail-zone.ts';

const DOMAIN = 'example.com';
const NOW = new Date('2026-03-01T12:00:00.000Z');

let server: DnsServer;
let zone: DnsServerRecord[] = [];

beforeAll(async () => {
  // One server for all scenarios: the records function is read per query, so each test swaps the zone.
  server = await startDnsServer({ records: () => zone });
});

afterAll(async () => {
  await server.close();
});

async function diagnose(records: DnsServerRecord[]): Promise<DomainDnsReport> {
  zone = records;
  const report = await diagnoseDomain({
    domain: DOMAIN,
    ownershipCode: OWNERSHIP_CODE,
    lookup: new NodeDnsLookup({ servers: [server.server], timeoutMs: 1_000, tries: 2 }),
    summary: { passesMx: true, passesSpf: false, passesDkim: true, passesDmarc: false },
    now: NOW,
  });
  return DomainDnsReportSchema.parse(report);
}

function codes(report: DomainDnsReport): Record<DnsRecordKind, string[]> {
  return Object.fromEntries(report.records.map((r) => [r.kind, r.problems.map((p) => p.code)])) as Record<
    DnsRecordKind,
    string[]
  >;
}

function check(report: DomainDnsReport, kind: DnsRecordKind) {
  const found = report.records.find((r) => r.kind === kind);
  if (!found) throw new Error(`no ${kind} in report`);
  return found;
}

const ALL_OK = { ownership: [], mx: [], spf: [], dkim1: [], dkim2: [], dkim3: [], dmarc: [] };

describe('diagnoseDomain against a real DNS server on loopback', () => {
  it('reports all seven records ok when everything is published correctly', async () => {
    const report = await diagnose(correctZone(DOMAIN));

    expect(codes(report)).toEqual(ALL_OK);
    expect(report.records.map((r) => r.status)).toEqual(Array(7).fill('ok'));
    expect(report).toMatchObject({ domain: DOMAIN, checkedAt: NOW.toISOString(), passing: 7, failing: 0 });
    expect(report.lookupError).toBeUndefined();
    expect(check(report, 'mx')).toMatchObject({
      host: 'example.com',
      type: 'MX',
      expectedValue: 'mailserver.purelymail.com',
      priority: 10,
      published: ['mailserver.purelymail.com (priority 10)'],
    });
    expect(check(report, 'dkim3')).toMatchObject({
      host: 'purelymail3._domainkey.example.com',
      expectedValue: 'key3.dkimroot.purelymail.com',
      published: ['key3.dkimroot.purelymail.com'],
    });
    // Only the relevant TXT records are shown, not unrelated verification records.
    expect(check(report, 'spf').published).toEqual(['v=spf1 include:_spf.purelymail.com ~all']);
    expect(check(report, 'ownership').published).toEqual([OWNERSHIP_CODE]);
  });

  it("puts PurelyMail's verdict beside each record: none for ownership, one DKIM flag for all three", async () => {
    const report = await diagnose(correctZone(DOMAIN));

    expect(report.records.map((r) => [r.kind, r.purelymailVerdict])).toEqual([
      ['ownership', null],
      ['mx', true],
      ['spf', false],
      ['dkim1', true],
      ['dkim2', true],
      ['dkim3', true],
      ['dmarc', false],
    ]);
  });

  it('reports every record missing on an empty zone, saying what to add where', async () => {
    const report = await diagnose([]);

    expect(codes(report)).toEqual({
      ownership: ['missing'],
      mx: ['missing'],
      spf: ['missing'],
      dkim1: ['missing'],
      dkim2: ['missing'],
      dkim3: ['missing'],
      dmarc: ['missing'],
    });
    expect(report.records.every((r) => r.status === 'missing' && r.published.length === 0)).toBe(true);
    expect(report).toMatchObject({ passing: 0, failing: 7 });
    expect(check(report, 'dkim2').problems[0]?.message).toContain(
      'purelymail2._domainkey.example.com pointing to key2.dkimroot.purelymail.com',
    );
    expect(check(report, 'ownership').problems[0]?.message).toContain(OWNERSHIP_CODE);
  });

  it('flags an MX that points elsewhere as a wrong value', async () => {
    const report = await diagnose(
      zoneWith(DOMAIN, {
        drop: (r) => r.type === 'MX',
        add: [{ name: DOMAIN, type: 'MX', value: 'mx.oldhost.net', priority: 5 }],
      }),
    );

    expect(codes(report)).toEqual({ ...ALL_OK, mx: ['wrong_value'] });
    expect(check(report, 'mx').status).toBe('wrong');
    expect(check(report, 'mx').problems[0]?.message).toContain('mx.oldhost.net (priority 5)');
    expect(check(report, 'mx').problems[0]?.message).toContain('mailserver.purelymail.com');
  });

  it('warns about MX records besides PurelyMail', async () => {
    const report = await diagnose(
      zoneWith(DOMAIN, { add: [{ name: DOMAIN, type: 'MX', value: 'backup.oldhost.net', priority: 20 }] }),
    );

    expect(codes(report)).toEqual({ ...ALL_OK, mx: ['mx_extra'] });
    expect(check(report, 'mx').published).toHaveLength(2);
    expect(check(report, 'mx').problems[0]?.message).toContain('backup.oldhost.net (priority 20)');
  });

  it('asks to merge two SPF records into one, with the merged value', async () => {
    const report = await diagnose(
      zoneWith(DOMAIN, { add: [{ name: DOMAIN, type: 'TXT', value: 'v=spf1 include:_spf.google.com ~all' }] }),
    );

    expect(codes(report)).toEqual({ ...ALL_OK, spf: ['spf_multiple'] });
    expect(check(report, 'spf').published).toHaveLength(2);
    expect(check(report, 'spf').problems[0]?.message).toContain(
      'merge them into one TXT record at example.com: v=spf1 include:_spf.purelymail.com include:_spf.google.com ~all',
    );
  });

  it('flags an SPF record without the PurelyMail include and shows the fixed record', async () => {
    const report = await diagnose(
      zoneWith(DOMAIN, {
        drop: (r) => r.value.startsWith('v=spf1'),
        add: [{ name: DOMAIN, type: 'TXT', value: 'v=spf1 include:_spf.google.com -all' }],
      }),
    );

    expect(codes(report)).toEqual({ ...ALL_OK, spf: ['spf_missing_include'] });
    expect(check(report, 'spf').problems[0]?.message).toContain(
      'v=spf1 include:_spf.google.com include:_spf.purelymail.com -all',
    );
  });

  it('recognises DKIM published backwards, by host and by value', async () => {
    const report = await diagnose(
      zoneWith(DOMAIN, {
        drop: (r) => r.name.startsWith('purelymail1.') || r.name.startsWith('purelymail2.'),
        add: [
          { name: `_domainkey.purelymail1.${DOMAIN}`, type: 'CNAME', value: 'key1.dkimroot.purelymail.com' },
          {
            name: `purelymail2._domainkey.${DOMAIN}`,
            type: 'CNAME',
            value: 'purelymail2._domainkey.dkimroot.purelymail.com',
          },
        ],
      }),
    );

    expect(codes(report)).toEqual({ ...ALL_OK, dkim1: ['dkim_backwards'], dkim2: ['dkim_backwards'] });
    expect(check(report, 'dkim1').problems[0]?.message).toContain('_domainkey.purelymail1.example.com');
    expect(check(report, 'dkim1').problems[0]?.message).toContain('purelymail1._domainkey.example.com');
    expect(check(report, 'dkim2').published).toEqual(['purelymail2._domainkey.dkimroot.purelymail.com']);
  });

  it('explains DMARC published as TXT instead of the CNAME', async () => {
    const report = await diagnose(
      zoneWith(DOMAIN, {
        drop: (r) => r.name.startsWith('_dmarc.'),
        add: [{ name: `_dmarc.${DOMAIN}`, type: 'TXT', value: 'v=DMARC1; p=quarantine; rua=mailto:d@example.com' }],
      }),
    );

    expect(codes(report)).toEqual({ ...ALL_OK, dmarc: ['dmarc_txt'] });
    const message = check(report, 'dmarc').problems[0]?.message ?? '';
    expect(message).toContain('DMARC still works');
    expect(message).toContain('CNAME at _dmarc.example.com pointing to dmarcroot.purelymail.com');
  });

  it('flags a DMARC CNAME to the wrong target', async () => {
    const report = await diagnose(
      zoneWith(DOMAIN, {
        drop: (r) => r.name.startsWith('_dmarc.'),
        add: [{ name: `_dmarc.${DOMAIN}`, type: 'CNAME', value: 'dmarc.oldhost.net' }],
      }),
    );

    expect(codes(report)).toEqual({ ...ALL_OK, dmarc: ['wrong_value'] });
  });

  it('finds a DKIM CNAME at a host with the zone typed twice', async () => {
    const report = await diagnose(
      zoneWith(DOMAIN, {
        drop: (r) => r.name.startsWith('purelymail3.'),
        add: [
          { name: `purelymail3._domainkey.${DOMAIN}.${DOMAIN}`, type: 'CNAME', value: 'key3.dkimroot.purelymail.com' },
        ],
      }),
    );

    expect(codes(report)).toEqual({ ...ALL_OK, dkim3: ['wrong_host'] });
    expect(check(report, 'dkim3').status).toBe('wrong');
    expect(check(report, 'dkim3').problems[0]?.message).toContain('purelymail3._domainkey.example.com.example.com');
  });

  it('finds MX and SPF published at www instead of the apex', async () => {
    const report = await diagnose(
      zoneWith(DOMAIN, {
        drop: (r) => r.type === 'MX' || r.value.startsWith('v=spf1'),
        add: [
          { name: `www.${DOMAIN}`, type: 'MX', value: 'mailserver.purelymail.com', priority: 10 },
          { name: `www.${DOMAIN}`, type: 'TXT', value: 'v=spf1 include:_spf.purelymail.com ~all' },
        ],
      }),
    );

    expect(codes(report)).toEqual({ ...ALL_OK, mx: ['wrong_host'], spf: ['wrong_host'] });
  });

  it("flags an ownership proof that is not this account's code", async () => {
    const report = await diagnose(
      zoneWith(DOMAIN, {
        drop: (r) => r.value === OWNERSHIP_CODE,
        add: [{ name: DOMAIN, type: 'TXT', value: 'purelymail_ownership_proof=someoneElse' }],
      }),
    );

    expect(codes(report)).toEqual({ ...ALL_OK, ownership: ['wrong_value'] });
  });
});
