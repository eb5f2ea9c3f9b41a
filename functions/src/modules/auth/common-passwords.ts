import { matchesCommonPassword } from '@app/shared/password-strength';
import { ValidationError } from '../errors.ts';

export const COMMON_PASSWORD_FIELD_MESSAGE = 'is one of the most common passwords';

let list: Promise<Set<string>> | undefined;
/** Loaded on the first password set, not at cold start: the module, zlib and the inflated Set cost nothing until then. */
const commonPasswords = (): Promise<Set<string>> =>
  (list ??= Promise.all([import('./common-passwords-data.ts'), import('node:zlib')]).then(([{ COMMON_PASSWORDS_GZIP_BASE64 }, { gunzipSync }]) =>
    new Set(gunzipSync(Buffer.from(COMMON_PASSWORDS_GZIP_BASE64, 'base64')).toString('utf8').split('\n')),
  ));

/**
 * True when the password, ignoring case, is one of the 3,000 most common passwords (ASVS 5.0 6.2.4), or
 * — because only one of them is 15 characters long, the minimum — one of them repeated
 * ("dragondragondragon") or with nothing but digits, symbols or spaces around it ("monkey123456789!").
 * The rule is the shared one the mailbox-password strength meter applies to the same list.
 * @example await isCommonPassword('Password1234567!') // true
 */
export async function isCommonPassword(password: string): Promise<boolean> {
  return matchesCommonPassword(password, await commonPasswords());
}

/** Throws a 400 naming `field` when the new password is common (see isCommonPassword). */
export async function assertNotCommonPassword(password: string, field: string): Promise<void> {
  if (await isCommonPassword(password)) {
    throw new ValidationError(`Choose another ${field === 'newPassword' ? 'new password' : 'password'}: this one is one of the 3,000 most common passwords (or one of them repeated or padded with digits and symbols), the first ones attackers try.`, [
      { path: field, message: COMMON_PASSWORD_FIELD_MESSAGE },
    ]);
  }
}
