import { normalizeDnsName } from './dns-name.ts';
import type { ExpectedRecord } from './expected-records.ts';
import type { PublishedDns } from './published-dns.ts';
import { failedFinding, type RecordFinding } from './record-finding.ts';
import { doubledSuffixHost } from './wrong-hosts.ts';

export function diagnoseDmarc(expected: ExpectedRecord, dns: PublishedDns, domain: string): RecordFinding {
  const host = expected.host;
  const target = expected.value;
  const answer = dns.cname(host);
  if (!answer.ok) return failedFinding(answer.error);

  const published = answer.values.map(normalizeDnsName);
  if (published.includes(target)) return { published, problems: [] };
  const wrong = published[0];
  if (wrong !== undefined) {
    return {
      published,
      problems: [
        {
          code: 'wrong_value',
          message: `The CNAME at ${host} points to ${wrong} instead of ${target}. Change it to ${target}.`,
        },
      ],
    };
  }

  // Only read the TXT when there is no CNAME: a recursive resolver follows a correct CNAME and
  // returns PurelyMail's own v=DMARC1 TXT, which is not the admin's doing.
  const dmarcTxt = dns.txtOrNone(host).find((v) => /^v=dmarc1(\s|;|$)/i.test(v.trim()));
  if (dmarcTxt !== undefined) {
    return {
      published,
      problems: [
        {
          code: 'dmarc_txt',
          message: `${host} has a TXT record ("${dmarcTxt.trim()}") instead of a CNAME. DMARC still works for your mail, but PurelyMail only recognises its CNAME and reports DMARC as failing. To make the check pass, delete the TXT record and add a CNAME at ${host} pointing to ${target}.`,
        },
      ],
    };
  }

  const doubled = doubledSuffixHost(host, domain);
  if (dns.cnameOrNone(doubled).length > 0) {
    return {
      published,
      problems: [
        {
          code: 'wrong_host',
          message: `The DMARC CNAME is published at ${doubled} instead of ${host}: your DNS panel adds ${domain} to the host itself. Enter the host as _dmarc only, pointing to ${target}.`,
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
    problems: [
      { code: 'missing', message: `No DMARC record at ${host}. Add a CNAME record at ${host} pointing to ${target}.` },
    ],
  };
}
