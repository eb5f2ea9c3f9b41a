import { ValidationError } from '../errors.ts';

export const COMMON_PASSWORD_FIELD_MESSAGE = 'is one of the most common passwords';

let list: Promise<Set<string>> | undefined;
/** Loaded on the first password set, not at cold start: the module, zlib and the inflated Set cost nothing until then. */
const commonPasswords = (): Promise<Set<string>> =>
  (list ??= Promise.all([import('./common-passwords-data.ts'), import('node:zlib')]).then(([{ COMMON_PASSWORDS_GZIP_BASE64 }, { gunzipSync }]) =>
    new Set(gunzipSync(Buffer.from(COMMON_PASSWORDS_GZIP_BASE64, 'base64')).toString('utf8').split('\n')),
  ));

/** Digits, punctuation, symbols (emoji included) and spaces: what people pad a weak word with. */
const PADDING = /^[\p{N}\p{P}\p{S}\p{Z}]*$/u;
const LONGEST = 15; // the longest entry in the list
const SHORTEST = 4;

/**
 * True when the password, ignoring case, is one of the 3,000 most common passwords (ASVS 5.0 6.2.4), or
 * — because only one of them is 15 characters long, the minimum — one of them repeated
 * ("dragondragondragon") or with nothing but digits, symbols or spaces around it ("monkey123456789!").
 * @example await isCommonPassword('Password1234567!') // true
 */
export async function isCommonPassword(password: string): Promise<boolean> {
  const common = await commonPasswords();
  const p = password.normalize('NFC').toLowerCase();
  if (common.has(p)) return true;
  // Repeated, also with spaces or symbols between the copies ("password password password").
  for (const r of new Set([p, p.replace(/[\p{P}\p{S}\p{Z}]/gu, '')])) {
    for (let unit = SHORTEST; unit <= Math.min(LONGEST, r.length / 2); unit++) {
      if (r.length % unit === 0 && common.has(r.slice(0, unit)) && r.slice(0, unit).repeat(r.length / unit) === r) return true;
    }
  }
  // A listed word at [start, end) with only padding before and after it.
  const chars = [...p];
  let lead = 0;
  while (lead < chars.length && PADDING.test(chars[lead]!)) lead++;
  let trail = chars.length;
  while (trail > 0 && PADDING.test(chars[trail - 1]!)) trail--;
  for (let start = 0; start <= Math.min(lead, chars.length); start++) {
    for (let end = Math.max(start + SHORTEST, trail); end <= Math.min(chars.length, start + LONGEST); end++) {
      if (common.has(chars.slice(start, end).join(''))) return true;
    }
  }
  return false;
}

/** Throws a 400 naming `field` when the new password is common (see isCommonPassword). */
export async function assertNotCommonPassword(password: string, field: string): Promise<void> {
  if (await isCommonPassword(password)) {
    throw new ValidationError(`Choose another ${field === 'newPassword' ? 'new password' : 'password'}: this one is one of the 3,000 most common passwords (or one of them repeated or padded with digits and symbols), the first ones attackers try.`, [
      { path: field, message: COMMON_PASSWORD_FIELD_MESSAGE },
    ]);
  }
}
