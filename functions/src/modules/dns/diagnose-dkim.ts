import { normalizeDnsName } from './dns-name.ts';
import type { ExpectedRecord } from './expected-records.ts';
import type { PublishedDns } from './published-dns.ts';
import { failedFinding, type RecordFinding } from './record-finding.ts';
import { misplacedCname, wrongCnameValue } from './misplaced-cname.ts';
import { backwardsDkimHost } from './wrong-hosts.ts';

/** Diagnoses one of the three DKIM CNAMEs (`index` 1, 2 or 3) of `domain`. */
export function diagnoseDkim(expected: ExpectedRecord, dns: PublishedDns, domain: string, index: 1 | 2 | 3): RecordFinding {
  const host = expected.host;
  const target = expected.value;
  const answer = dns.cname(host);
  if (!answer.ok) return failedFinding(answer.error);

  const published = answer.values.map(normalizeDnsName);
  const wrong = published.find((value) => value !== target);
  if (published.includes(target)) return { published, problems: [] };

  if (wrong !== undefined) {
    // "purelymail1._domainkey.dkimroot.purelymail.com" or similar: host and target mixed up.
    const backwards = wrong.includes('_domainkey') || wrong.startsWith(`purelymail${index}.`);
    return {
      published,
      problems: [
        backwards
          ? {
              code: 'dkim_backwards',
              message: `The CNAME at ${host} points to ${wrong}, which mixes up the host and the value. Point it to ${target}.`,
            }
          : wrongCnameValue(host, wrong, target),
      ],
    };
  }

  const swapped = backwardsDkimHost(domain, index);
  if (dns.cnameOrNone(swapped).length > 0) {
    return {
      published,
      problems: [
        {
          code: 'dkim_backwards',
          message: `The DKIM record is published at ${swapped}, which is backwards: the host must be ${host} (purelymail${index} first, then _domainkey). Delete it and add a CNAME at ${host} pointing to ${target}.`,
        },
      ],
    };
  }

  return misplacedCname(dns, { label: 'DKIM', host, target, domain, typedHost: `purelymail${index}._domainkey` }, published);
}
