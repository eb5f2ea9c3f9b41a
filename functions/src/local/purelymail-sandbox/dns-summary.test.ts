import { describe, expect, it } from 'vitest';
import { computeDnsSummary, hasOwnershipProof } from './dns-summary.ts';
import { normalizeDnsRecord, type SandboxDnsRecord } from './sandbox-dns-record.ts';

const D = 'shop.example';
const CODE = 'purelymail_ownership_proof=abc123';

function lookupIn(records: SandboxDnsRecord[]) {
  const normalized = records.map((r) => normalizeDnsRecord(D, r));
  return (name: string, type: SandboxDnsRecord['type']) => normalized.filter((r) => r.name === name && r.type === type);
}

const good: SandboxDnsRecord[] = [
  { name: '@', type: 'MX', value: 'mailserver.purelymail.com.' },
  { name: '@', type: 'TXT', value: 'v=spf1 include:_spf.purelymail.com ~all' },
  { name: 'purelymail1._domainkey', type: 'CNAME', value: 'key1.dkimroot.purelymail.com' },
  { name: 'purelymail2._domainkey', type: 'CNAME', value: 'key2.dkimroot.purelymail.com' },
  { name: 'purelymail3._domainkey', type: 'CNAME', value: 'key3.dkimroot.purelymail.com' },
  { name: '_dmarc', type: 'CNAME', value: 'dmarcroot.purelymail.com' },
];

describe('computeDnsSummary', () => {
  it('passes everything for the documented records', () => {
    expect(computeDnsSummary(lookupIn(good), D)).toEqual({ passesMx: true, passesSpf: true, passesDkim: true, passesDmarc: true });
  });

  it('fails MX pointing elsewhere', () => {
    const records = good.map((r) => (r.type === 'MX' ? { ...r, value: 'mx.other.example' } : r));
    expect(computeDnsSummary(lookupIn(records), D).passesMx).toBe(false);
  });

  it('fails SPF without the include, or with two SPF records; accepts quoted, split TXT', () => {
    const noInclude = good.map((r) => (r.type === 'TXT' ? { ...r, value: 'v=spf1 mx -all' } : r));
    expect(computeDnsSummary(lookupIn(noInclude), D).passesSpf).toBe(false);
    const two = [...good, { name: '@', type: 'TXT' as const, value: 'v=spf1 -all' }];
    expect(computeDnsSummary(lookupIn(two), D).passesSpf).toBe(false);
    const quoted = good.map((r) => (r.type === 'TXT' ? { ...r, value: '"v=spf1 include:_spf.purely" "mail.com ~all"' } : r));
    expect(computeDnsSummary(lookupIn(quoted), D).passesSpf).toBe(true);
  });

  it('needs all three DKIM CNAMEs with the right targets', () => {
    const wrongKey = good.map((r) => (r.name === 'purelymail2._domainkey' ? { ...r, value: 'key3.dkimroot.purelymail.com' } : r));
    expect(computeDnsSummary(lookupIn(wrongKey), D).passesDkim).toBe(false);
  });

  it('does not count a DMARC TXT as DMARC (issue #200)', () => {
    const txt = good.map((r) => (r.name === '_dmarc' ? { name: '_dmarc', type: 'TXT' as const, value: 'v=DMARC1; p=none' } : r));
    expect(computeDnsSummary(lookupIn(txt), D).passesDmarc).toBe(false);
  });
});

describe('hasOwnershipProof', () => {
  it('needs the exact code at the apex', () => {
    expect(hasOwnershipProof(lookupIn([{ name: '@', type: 'TXT', value: CODE }]), D, CODE)).toBe(true);
    expect(hasOwnershipProof(lookupIn([{ name: '@', type: 'TXT', value: `"${CODE}"` }]), D, CODE)).toBe(true);
    expect(hasOwnershipProof(lookupIn([{ name: 'www', type: 'TXT', value: CODE }]), D, CODE)).toBe(false);
    expect(hasOwnershipProof(lookupIn([{ name: '@', type: 'TXT', value: `${CODE}x` }]), D, CODE)).toBe(false);
  });
});
