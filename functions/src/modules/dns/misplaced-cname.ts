import type { DnsProblem } from '@app/shared/schemas/dns';
import type { PublishedDns } from './published-dns.ts';
import type { RecordFinding } from './record-finding.ts';
import { doubledSuffixHost } from './wrong-hosts.ts';

/** A DKIM or DMARC CNAME: what the admin must publish, and the host as they type it in a DNS panel. */
export interface ExpectedCname {
  readonly label: 'DKIM' | 'DMARC';
  readonly host: string;
  readonly target: string;
  readonly domain: string;
  /** The host relative to the zone ("purelymail1._domainkey", "_dmarc"). */
  readonly typedHost: string;
}

/** A CNAME at the right host pointing elsewhere. */
export function wrongCnameValue(host: string, wrong: string, target: string): DnsProblem {
  return { code: 'wrong_value', message: `The CNAME at ${host} points to ${wrong} instead of ${target}. Change it to ${target}.` };
}

/**
 * The end of a DKIM or DMARC diagnosis, once nothing is published at the host: the usual slips are the zone
 * typed twice and the CNAME put at the apex; otherwise the record is missing. Both records are CNAMEs to
 * PurelyMail that go wrong the same ways, so these checks and their advice are written once.
 */
export function misplacedCname(dns: PublishedDns, expected: ExpectedCname, published: string[]): RecordFinding {
  const { label, host, target, domain, typedHost } = expected;
  const doubled = doubledSuffixHost(host, domain);
  if (dns.cnameOrNone(doubled).length > 0) {
    return {
      published,
      problems: [
        {
          code: 'wrong_host',
          message: `The ${label} CNAME is published at ${doubled} instead of ${host}: your DNS panel adds ${domain} to the host itself. Enter the host as ${typedHost} only, pointing to ${target}.`,
        },
      ],
    };
  }

  if (dns.cnameOrNone(domain).includes(target)) {
    return {
      published,
      problems: [
        {
          code: 'wrong_host',
          message: `A CNAME to ${target} is published at ${domain} itself instead of ${host}. Remove it from ${domain} and add a CNAME at ${host} pointing to ${target}.`,
        },
      ],
    };
  }

  return {
    published,
    problems: [{ code: 'missing', message: `No ${label} record at ${host}. Add a CNAME record at ${host} pointing to ${target}.` }],
  };
}
