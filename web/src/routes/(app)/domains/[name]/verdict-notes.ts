import type { DnsRecordCheck, DnsRecordKind } from '@app/shared';

export const RECORD_NAMES: Record<DnsRecordKind, string> = {
  ownership: 'Ownership proof',
  mx: 'MX · incoming mail',
  spf: 'SPF · allowed senders',
  dkim1: 'DKIM key 1',
  dkim2: 'DKIM key 2',
  dkim3: 'DKIM key 3',
  dmarc: 'DMARC policy',
};

const SHORT: Record<DnsRecordKind, string> = { ownership: 'the ownership proof', mx: 'MX', spf: 'SPF', dkim1: 'key 1', dkim2: 'key 2', dkim3: 'key 3', dmarc: 'DMARC' };

const isDkim = (r: DnsRecordCheck) => r.kind.startsWith('dkim');
const list = (rs: DnsRecordCheck[]) => {
  const names = rs.map((r) => SHORT[r.kind]);
  return names.length < 2 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
};

/**
 * What to say where PurelyMail's verdict and our lookup disagree (a record published correctly that PurelyMail
 * fails). PurelyMail has one DKIM flag for three keys, so one wrong key fails all three: telling the admin to
 * re-check then is wrong (issue 17). `rechecked`: PurelyMail looked again just now, so "re-check" is no advice.
 */
export function verdictNotes(records: DnsRecordCheck[], rechecked: boolean): string[] {
  const atOdds = records.filter((r) => r.status === 'ok' && r.purelymailVerdict === false);
  const notes: string[] = [];
  const dkimOdds = atOdds.filter(isDkim);
  if (dkimOdds.length) {
    const wrong = records.filter((r) => isDkim(r) && r.status !== 'ok');
    const lead = 'PurelyMail gives one DKIM verdict for all three keys';
    if (wrong.length) {
      notes.push(`${lead}, so it fails ${list(dkimOdds)} too while ${list(wrong)} ${wrong.length === 1 ? 'is' : 'are'} not published correctly. Fix ${list(wrong)}, then re-check.`);
    } else if (rechecked) {
      notes.push(`${lead}. It still fails them after this re-check, though all three are published correctly now: its DNS answers may be cached for up to the records’ TTL. Try again later.`);
    } else {
      notes.push(`${lead}. All three are published correctly now: use “Re-check DNS now” so PurelyMail looks again.`);
    }
  }
  const others = atOdds.filter((r) => !isDkim(r));
  if (others.length) {
    notes.push(
      rechecked
        ? `PurelyMail still fails ${list(others)} after this re-check, though ${others.length === 1 ? 'it is' : 'they are'} published correctly now: its DNS answers may be cached for up to the record’s TTL. Try again later.`
        : `PurelyMail fails ${list(others)}, published correctly now. Use “Re-check DNS now” so PurelyMail looks again.`,
    );
  }
  return notes;
}
