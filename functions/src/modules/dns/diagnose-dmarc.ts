import { normalizeDnsName } from './dns-name.ts';
import type { ExpectedRecord } from './expected-records.ts';
import type { PublishedDns } from './published-dns.ts';
import { failedFinding, type RecordFinding } from './record-finding.ts';
import { misplacedCname, wrongCnameValue } from './misplaced-cname.ts';

export function diagnoseDmarc(expected: ExpectedRecord, dns: PublishedDns, domain: string): RecordFinding {
  const host = expected.host;
  const target = expected.value;
  const answer = dns.cname(host);
  if (!answer.ok) return failedFinding(answer.error);

  const published = answer.values.map(normalizeDnsName);
  if (published.includes(target)) return { published, problems: [] };
  const wrong = published[0];
  if (wrong !== undefined) return { published, problems: [wrongCnameValue(host, wrong, target)] };

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

  return misplacedCname(dns, { label: 'DMARC', host, target, domain, typedHost: '_dmarc' }, published);
}
