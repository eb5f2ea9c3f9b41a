/**
 * Sorts names (domains, mailbox names) in the order of `a.localeCompare(b)`, which the pages have always used.
 *
 * Why not localeCompare alone: its first call in a process builds ICU's collator, about 20 ms of CPU that a
 * cold start's dashboard and users pages paid for sorting a handful of domain names. Strings made only of
 * lowercase letters, digits, '-' and '.' (every domain name PurelyMail returns in lowercase) collate in code-unit
 * order: in ICU's root order these are '-' < '.' < digits < letters, exactly as their code units, and none is
 * ignorable. Anything else (capitals, '_', '+', non-ASCII) goes to localeCompare, so the order never changes.
 * compare-names.test.ts checks the two agree.
 */
const PLAIN = /^[a-z0-9.-]*$/;

export function compareNames(a: string, b: string): number {
  if (PLAIN.test(a) && PLAIN.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  return a.localeCompare(b);
}
