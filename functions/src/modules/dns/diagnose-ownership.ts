import type { ExpectedRecord } from './expected-records.ts';
import type { PublishedDns } from './published-dns.ts';
import { failedFinding, type RecordFinding } from './record-finding.ts';
import { apexWrongHosts } from './wrong-hosts.ts';

const OWNERSHIP_PREFIX = 'purelymail_ownership_proof=';

export function diagnoseOwnership(expected: ExpectedRecord, dns: PublishedDns): RecordFinding {
  const apex = expected.host;
  const code = expected.value;
  const answer = dns.txt(apex);
  if (!answer.ok) return failedFinding(answer.error);

  const values = answer.values.map((v) => v.trim());
  const proofs = values.filter((v) => v.toLowerCase().startsWith(OWNERSHIP_PREFIX));
  // The code is compared as PurelyMail gave it, even one not in the documented `purelymail_ownership_proof=` shape.
  if (values.includes(code)) return { published: proofs.includes(code) ? proofs : [...proofs, code], problems: [] };

  if (proofs.length > 0) {
    return {
      published: proofs,
      problems: [
        {
          code: 'wrong_value',
          message: `The TXT record at ${apex} holds ${proofs.join(', ')}, which is not this account's ownership code. Change it to ${code}.`,
        },
      ],
    };
  }

  const elsewhere = apexWrongHosts(apex).find((host) => dns.txtOrNone(host).some((v) => v.trim() === code));
  if (elsewhere) {
    return {
      published: [],
      problems: [
        {
          code: 'wrong_host',
          message: `The ownership TXT record ${code} is published at ${elsewhere} instead of ${apex}. Move it to ${apex} (in most DNS panels the host is "@" or left empty).`,
        },
      ],
    };
  }

  return {
    published: [],
    problems: [
      {
        code: 'missing',
        message: `No ownership TXT record at ${apex}. Add a TXT record at ${apex} with the value ${code}.`,
      },
    ],
  };
}
