import type { DnsServerRecord } from '../../src/local/dns-server/dns-server-record.ts';

export const OWNERSHIP_CODE = 'purelymail_ownership_proof=abc123XYZ';

/** Every record PurelyMail asks for, published correctly, plus an unrelated TXT as real zones have. */
export function correctZone(domain: string): DnsServerRecord[] {
  return [
    { name: domain, type: 'A', value: '192.0.2.10' },
    { name: domain, type: 'TXT', value: OWNERSHIP_CODE },
    { name: domain, type: 'TXT', value: 'v=spf1 include:_spf.purelymail.com ~all' },
    { name: domain, type: 'TXT', value: 'google-site-verification=unrelated' },
    { name: domain, type: 'MX', value: 'mailserver.purelymail.com.', priority: 10 },
    { name: `purelymail1._domainkey.${domain}`, type: 'CNAME', value: 'key1.dkimroot.purelymail.com.' },
    { name: `purelymail2._domainkey.${domain}`, type: 'CNAME', value: 'key2.dkimroot.purelymail.com' },
    { name: `purelymail3._domainkey.${domain}`, type: 'CNAME', value: 'KEY3.dkimroot.purelymail.com' },
    { name: `_dmarc.${domain}`, type: 'CNAME', value: 'dmarcroot.purelymail.com' },
  ];
}

/** The correct zone without the records `drop` matches, plus `add`. */
export function zoneWith(
  domain: string,
  change: { drop?: (r: DnsServerRecord) => boolean; add?: DnsServerRecord[] },
): DnsServerRecord[] {
  const kept = correctZone(domain).filter((r) => !(change.drop?.(r) ?? false));
  return [...kept, ...(change.add ?? [])];
}
