import type { DnsSummary } from '../../modules/purelymail/purelymail-types.ts';
import type { SandboxDnsRecord, SandboxDnsRecordType } from './sandbox-dns-record.ts';

/** What PurelyMail expects to find (reference §4). */
export const EXPECTED_DNS = {
  mx: 'mailserver.purelymail.com',
  spfInclude: 'include:_spf.purelymail.com',
  dkim: [1, 2, 3].map((i) => ({ host: `purelymail${i}._domainkey`, target: `key${i}.dkimroot.purelymail.com` })),
  dmarc: { host: '_dmarc', target: 'dmarcroot.purelymail.com' },
} as const;

type Lookup = (name: string, type: SandboxDnsRecordType) => SandboxDnsRecord[];

// TXT values may be given zone-file style, with quotes around one or more strings.
function txtText(value: string): string {
  const trimmed = value.trim();
  const quoted = trimmed.match(/"((?:[^"\\]|\\.)*)"/g);
  return quoted ? quoted.map((q) => q.slice(1, -1)).join('') : trimmed;
}

export function hasOwnershipProof(lookup: Lookup, domain: string, ownershipCode: string): boolean {
  return lookup(domain, 'TXT').some((r) => txtText(r.value) === ownershipCode);
}

/** Recomputes PurelyMail's four health flags from the simulated DNS. */
export function computeDnsSummary(lookup: Lookup, domain: string): DnsSummary {
  const spf = lookup(domain, 'TXT')
    .map((r) => txtText(r.value))
    .filter((t) => /^v=spf1(\s|$)/i.test(t));
  const cnameIs = (host: string, target: string) => lookup(`${host}.${domain}`, 'CNAME').some((r) => r.value === target);
  return {
    passesMx: lookup(domain, 'MX').some((r) => r.value === EXPECTED_DNS.mx),
    // Two SPF records make SPF a permerror (RFC 7208 §4.5), so exactly one must exist.
    passesSpf: spf.length === 1 && spf[0]!.toLowerCase().split(/\s+/).includes(EXPECTED_DNS.spfInclude),
    passesDkim: EXPECTED_DNS.dkim.every((k) => cnameIs(k.host, k.target)),
    passesDmarc: cnameIs(EXPECTED_DNS.dmarc.host, EXPECTED_DNS.dmarc.target),
  };
}
