import type { DnsProblem } from '@app/shared/schemas/dns';
import type { ExpectedRecord } from './expected-records.ts';
import type { PublishedDns } from './published-dns.ts';
import { failedFinding, type RecordFinding } from './record-finding.ts';
import { hasPurelymailInclude, isSpfRecord, mergeSpfRecords } from './spf-record.ts';
import { apexWrongHosts } from './wrong-hosts.ts';

export function diagnoseSpf(expected: ExpectedRecord, dns: PublishedDns): RecordFinding {
  const apex = expected.host;
  const answer = dns.txt(apex);
  if (!answer.ok) return failedFinding(answer.error);

  const spf = answer.values.map((v) => v.trim()).filter(isSpfRecord);
  const problems: DnsProblem[] = [];

  if (spf.length > 1) {
    problems.push({
      code: 'spf_multiple',
      message: `${apex} has ${spf.length} SPF records (${spf.map((v) => `"${v}"`).join(' and ')}). Receivers treat more than one SPF record as an error, so merge them into one TXT record at ${apex}: ${mergeSpfRecords(spf)}`,
    });
  }
  if (spf.length > 0 && !spf.some(hasPurelymailInclude)) {
    const suggestion = mergeSpfRecords(spf);
    problems.push({
      code: 'spf_missing_include',
      message:
        spf.length === 1
          ? `The SPF record at ${apex} ("${spf[0]}") does not include PurelyMail, so mail sent through PurelyMail fails SPF. Change it to ${suggestion}`
          : `None of the SPF records at ${apex} includes PurelyMail (include:_spf.purelymail.com); the merged record above adds it.`,
    });
  }
  if (spf.length > 0) return { published: spf, problems };

  const elsewhere = apexWrongHosts(apex).find((host) => dns.txtOrNone(host).some((v) => isSpfRecord(v) && hasPurelymailInclude(v)));
  if (elsewhere) {
    return {
      published: spf,
      problems: [
        {
          code: 'wrong_host',
          message: `An SPF record is published at ${elsewhere} instead of ${apex}, where receivers look for it. Add a TXT record at ${apex} with the value ${expected.value} and remove the one at ${elsewhere}.`,
        },
      ],
    };
  }

  return {
    published: spf,
    problems: [
      {
        code: 'missing',
        message: `No SPF record at ${apex}. Add a TXT record at ${apex} with the value ${expected.value}`,
      },
    ],
  };
}
