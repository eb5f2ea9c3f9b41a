import type { DnsRecordCheck, DnsRecordKind, DnsRecordStatus, DomainDnsReport } from '@app/shared/schemas/dns';
import { diagnoseDkim } from './diagnose-dkim.ts';
import { diagnoseDmarc } from './diagnose-dmarc.ts';
import { diagnoseMx } from './diagnose-mx.ts';
import { diagnoseOwnership } from './diagnose-ownership.ts';
import { diagnoseSpf } from './diagnose-spf.ts';
import { normalizeDnsName } from './dns-name.ts';
import { dkimHost, dmarcHost, expectedRecords, type ExpectedRecord } from './expected-records.ts';
import type { DnsLookup } from './ports.ts';
import { PublishedDns, type PublishedDnsQueries } from './published-dns.ts';
import type { RecordFinding } from './record-finding.ts';
import { apexWrongHosts, backwardsDkimHost, doubledSuffixHost } from './wrong-hosts.ts';

/** `listDomains` → `dnsSummary`: PurelyMail's own verdict, shown beside ours. */
export interface PurelymailDnsSummary {
  passesMx: boolean;
  passesSpf: boolean;
  passesDkim: boolean;
  passesDmarc: boolean;
}

export interface DiagnoseDomainInput {
  domain: string;
  /** `getOwnershipCode().code`; null leaves the ownership record out of the report. */
  ownershipCode: string | null;
  lookup: DnsLookup;
  summary?: PurelymailDnsSummary | null;
  now: Date;
}

const DKIM_INDEX = { dkim1: 1, dkim2: 2, dkim3: 3 } as const;

/**
 * Checks every record PurelyMail expects for a domain against what is actually published.
 *
 * 1. Look up a fixed set of names concurrently: the expected hosts, plus the usual wrong places
 *    (www, the zone typed twice, the DKIM labels swapped, the apex, a TXT at _dmarc), 17 lookups.
 * 2. Diagnose each record in plain words from that one snapshot.
 * 3. Put PurelyMail's verdict beside each record and count passing and failing records.
 */
export async function diagnoseDomain(input: DiagnoseDomainInput): Promise<DomainDnsReport> {
  const domain = normalizeDnsName(input.domain);
  const expected = expectedRecords(domain, input.ownershipCode);
  const dns = await PublishedDns.fetch(input.lookup, queriesFor(domain));

  const records = expected.map((record) => toCheck(record, diagnose(record, dns, domain), input.summary ?? null));
  const passing = records.filter((r) => r.status === 'ok').length;
  const failure = dns.failures()[0];
  return {
    domain,
    checkedAt: input.now.toISOString(),
    records,
    passing,
    failing: records.length - passing,
    ...(failure ? { lookupError: `Some DNS lookups failed, so this report is incomplete: ${failure.message}` } : {}),
  };
}

function queriesFor(domain: string): PublishedDnsQueries {
  const dkimIndexes = [1, 2, 3] as const;
  const dkimHosts = dkimIndexes.map((i) => dkimHost(domain, i));
  return {
    txt: [domain, ...apexWrongHosts(domain), dmarcHost(domain)],
    mx: [domain, ...apexWrongHosts(domain)],
    cname: [
      domain,
      ...dkimHosts,
      ...dkimIndexes.map((i) => backwardsDkimHost(domain, i)),
      ...dkimHosts.map((host) => doubledSuffixHost(host, domain)),
      dmarcHost(domain),
      doubledSuffixHost(dmarcHost(domain), domain),
    ],
  };
}

function diagnose(record: ExpectedRecord, dns: PublishedDns, domain: string): RecordFinding {
  switch (record.kind) {
    case 'ownership':
      return diagnoseOwnership(record, dns);
    case 'mx':
      return diagnoseMx(record, dns);
    case 'spf':
      return diagnoseSpf(record, dns);
    case 'dkim1':
    case 'dkim2':
    case 'dkim3':
      return diagnoseDkim(record, dns, domain, DKIM_INDEX[record.kind]);
    case 'dmarc':
      return diagnoseDmarc(record, dns, domain);
  }
}

function toCheck(record: ExpectedRecord, finding: RecordFinding, summary: PurelymailDnsSummary | null): DnsRecordCheck {
  const problems = finding.failure
    ? [
        {
          code: 'lookup_failed' as const,
          message: `We could not look up ${record.type} at ${record.host} (${finding.failure.reason}), so we cannot tell whether this record is right. Try again later or check the DNS servers in the settings.`,
        },
      ]
    : finding.problems;
  return {
    kind: record.kind,
    host: record.host,
    type: record.type,
    expectedValue: record.value,
    ...(record.priority !== undefined ? { priority: record.priority } : {}),
    purelymailVerdict: verdictFor(record.kind, summary),
    published: finding.published,
    status: statusOf(finding),
    problems,
  };
}

function statusOf(finding: RecordFinding): DnsRecordStatus {
  if (finding.failure) return 'error';
  if (finding.problems.length === 0) return 'ok';
  return finding.problems.every((p) => p.code === 'missing') ? 'missing' : 'wrong';
}

function verdictFor(kind: DnsRecordKind, summary: PurelymailDnsSummary | null): boolean | null {
  if (summary === null) return null;
  switch (kind) {
    case 'ownership':
      return null;
    case 'mx':
      return summary.passesMx;
    case 'spf':
      return summary.passesSpf;
    case 'dkim1':
    case 'dkim2':
    case 'dkim3':
      return summary.passesDkim;
    case 'dmarc':
      return summary.passesDmarc;
  }
}
