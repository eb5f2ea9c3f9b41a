import { sameDnsName } from './dns-name.ts';
import { PURELYMAIL_MX_HOST, PURELYMAIL_MX_PRIORITY, type ExpectedRecord } from './expected-records.ts';
import type { MxRecord } from './ports.ts';
import type { PublishedDns } from './published-dns.ts';
import { failedFinding, type RecordFinding } from './record-finding.ts';
import { apexWrongHosts } from './wrong-hosts.ts';

const WANTED = `an MX record pointing to ${PURELYMAIL_MX_HOST} with priority ${PURELYMAIL_MX_PRIORITY}`;

export function diagnoseMx(expected: ExpectedRecord, dns: PublishedDns): RecordFinding {
  const apex = expected.host;
  const answer = dns.mx(apex);
  if (!answer.ok) return failedFinding(answer.error);

  const published = answer.values.map(describeMx);
  const ours = answer.values.filter(isPurelymail);
  const others = answer.values.filter((mx) => !isPurelymail(mx));

  if (ours.length > 0) {
    // The priority is not checked: PurelyMail's own sources disagree on it and its check ignores it.
    if (others.length === 0) return { published, problems: [] };
    return {
      published,
      problems: [
        {
          code: 'mx_extra',
          message: `Besides ${PURELYMAIL_MX_HOST}, ${apex} also has MX records for ${others.map(describeMx).join(', ')}. Senders may deliver mail to those servers instead of PurelyMail; remove them unless you mean to.`,
        },
      ],
    };
  }

  if (others.length > 0) {
    return {
      published,
      problems: [
        {
          code: 'wrong_value',
          message: `The MX records at ${apex} point to ${others.map(describeMx).join(', ')} instead of PurelyMail. Replace them with ${WANTED}.`,
        },
      ],
    };
  }

  const elsewhere = apexWrongHosts(apex).find((host) => dns.mxOrNone(host).some(isPurelymail));
  if (elsewhere) {
    return {
      published,
      problems: [
        {
          code: 'wrong_host',
          message: `The MX record for ${PURELYMAIL_MX_HOST} is published at ${elsewhere} instead of ${apex}. Move it to ${apex} (in most DNS panels the host is "@" or left empty).`,
        },
      ],
    };
  }

  return {
    published,
    problems: [
      {
        code: 'missing',
        message: `No MX record at ${apex}, so mail for ${apex} has nowhere to go. Add ${WANTED} at ${apex}.`,
      },
    ],
  };
}

function isPurelymail(mx: MxRecord): boolean {
  return sameDnsName(mx.exchange, PURELYMAIL_MX_HOST);
}

function describeMx(mx: MxRecord): string {
  return `${mx.exchange.replace(/\.$/, '').toLowerCase()} (priority ${mx.priority})`;
}
