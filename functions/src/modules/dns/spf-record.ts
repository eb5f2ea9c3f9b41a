import { PURELYMAIL_SPF_INCLUDE } from './expected-records.ts';

/** RFC 7208 §4.5: an SPF record is a TXT starting with "v=spf1" followed by a space or nothing. */
export function isSpfRecord(txt: string): boolean {
  return /^v=spf1(\s|$)/i.test(txt.trim());
}

export function hasPurelymailInclude(spf: string): boolean {
  return spf.trim().toLowerCase().split(/\s+/).includes(PURELYMAIL_SPF_INCLUDE);
}

const ALL_MECHANISM = /^[+\-~?]?all$/i;

/**
 * One SPF record that keeps every mechanism of `records` and adds PurelyMail's include, so the
 * message can show the admin a value to paste rather than tell them to work it out.
 * The strictest `all` found is kept (a domain that said -all keeps -all); ~all when none did.
 */
export function mergeSpfRecords(records: string[]): string {
  const mechanisms: string[] = [];
  let all: string | null = null;
  for (const record of records) {
    for (const term of record.trim().split(/\s+/).slice(1)) {
      if (ALL_MECHANISM.test(term)) {
        all = strictestAll(all, term.toLowerCase());
      } else if (!mechanisms.some((m) => m.toLowerCase() === term.toLowerCase())) {
        mechanisms.push(term);
      }
    }
  }
  if (!mechanisms.some((m) => m.toLowerCase() === PURELYMAIL_SPF_INCLUDE)) {
    // Before any redirect= modifier: mechanisms after it would never be evaluated.
    const redirect = mechanisms.findIndex((m) => /^redirect=/i.test(m));
    mechanisms.splice(redirect === -1 ? mechanisms.length : redirect, 0, PURELYMAIL_SPF_INCLUDE);
  }
  // A redirect= only applies when there is no `all`, so do not invent one next to it.
  const hasRedirect = mechanisms.some((m) => /^redirect=/i.test(m));
  const tail = all !== null ? [all] : hasRedirect ? [] : ['~all'];
  return ['v=spf1', ...mechanisms, ...tail].join(' ');
}

const STRICTNESS = ['+all', 'all', '?all', '~all', '-all'];

function strictestAll(a: string | null, b: string): string {
  if (a === null) return b;
  return STRICTNESS.indexOf(b) > STRICTNESS.indexOf(a) ? b : a;
}
