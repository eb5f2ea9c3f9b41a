/** Pure helpers behind AddressChips: splitting what was typed or pasted, checking it, suggesting users. */

/** Commas, semicolons and any whitespace separate addresses, so a pasted list becomes chips at once. */
const SEPARATORS = /[\s,;]+/;

/** Close to what the server accepts (zod's email check): one @, a dotted domain, no spaces. */
const ADDRESS = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

/**
 * Addresses in typed or pasted text, trimmed and lower-cased, without the `<>` of "Name <a@b.c>" pastes.
 * @example splitAddresses('A@x.com, b@y.org; ') // ['a@x.com', 'b@y.org']
 */
export function splitAddresses(text: string): string[] {
  return text
    .replace(/[<>"]/g, ' ')
    .split(SEPARATORS)
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
}

export function isValidAddress(address: string): boolean {
  return address.length <= 254 && ADDRESS.test(address);
}

/** The one message for an email field that is not an address, said by the panel (forms use novalidate). */
export const NOT_AN_EMAIL = 'is not an email address like alice@example.com';

/**
 * What is wrong with a typed email address, or false: for `form.invalid({ email: emailProblem(email) })`.
 * @example emailProblem('bob@') // 'is not an email address like alice@example.com'
 */
export function emailProblem(value: string, { required = false } = {}): string | false {
  const v = value.trim();
  if (!v) return required && 'is required';
  return !isValidAddress(v.toLowerCase()) && NOT_AN_EMAIL;
}

/** An address at one of `domains` (the account's own), so not "external" even when it is not a mailbox. */
export function isAtDomain(address: string, domains: readonly string[]): boolean {
  const at = address.lastIndexOf('@');
  return at > 0 && domains.includes(address.slice(at + 1).toLowerCase());
}

/** Adds addresses that are not there yet, keeping the order they were typed in. */
export function addAddresses(current: readonly string[], added: readonly string[]): string[] {
  const out = [...current];
  for (const a of added) if (!out.includes(a)) out.push(a);
  return out;
}

/**
 * Suggestions for what is being typed: addresses starting with it first, then ones containing it.
 * @example suggest(['bob@x.com', 'rob@x.com'], 'ob', [], 5) // ['bob@x.com', 'rob@x.com']
 */
export function suggest(all: readonly string[], query: string, exclude: readonly string[], limit = 8): string[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const pool = all.filter((a) => !exclude.includes(a));
  const starts = pool.filter((a) => a.startsWith(q));
  const contains = pool.filter((a) => !a.startsWith(q) && a.includes(q));
  return [...starts, ...contains].slice(0, limit);
}
