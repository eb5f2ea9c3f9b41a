import { gunzipSync } from 'node:zlib';
import { topCommonPasswords } from '@app/shared/password-strength';
import { dictionary } from '@zxcvbn-ts/language-common';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.ts';
import { COMMON_PASSWORDS_GZIP_BASE64 } from './common-passwords-data.ts';
import { assertNotCommonPassword, isCommonPassword } from './common-passwords.ts';

const list = gunzipSync(Buffer.from(COMMON_PASSWORDS_GZIP_BASE64, 'base64')).toString('utf8').split('\n');

describe('common passwords (AS-7, ASVS 6.2.4)', () => {
  it('holds the top 3,000, lower-cased and unique, most common first', () => {
    expect(list).toHaveLength(3000);
    expect(new Set(list).size).toBe(3000);
    expect(list.slice(0, 4)).toEqual(['123456', 'password', '12345678', 'qwerty']);
    expect(list.every((p) => p === p.toLowerCase() && p.length >= 4)).toBe(true);
    // Only one entry reaches the 15-character minimum on its own; the repeated/padded forms cover the rest.
    expect(list.filter((p) => p.length >= 15)).toEqual(['mailcreated5240']);
  });

  it('is the list the mailbox strength meter uses: the top 3,000 of the installed @zxcvbn-ts/language-common', () => {
    expect(list).toEqual(topCommonPasswords(dictionary['passwords-common']));
  });

  it('matches a listed password whatever its case, including the one that is 15 characters long', async () => {
    expect(await isCommonPassword('mailcreated5240')).toBe(true);
    expect(await isCommonPassword('MailCreated5240')).toBe(true);
    expect(await isCommonPassword('PASSWORD')).toBe(true);
    expect(await isCommonPassword(list[2999]!.toUpperCase())).toBe(true);
  });

  it('matches listed passwords repeated or padded with digits, symbols or spaces', async () => {
    for (const p of ['passwordpassword', 'DragonDragonDragon', 'monkey123456789!', '!!!!qwerty2024!!!!', '   iloveyou   2024', 'sunshine🌞🌞🌞🌞🌞🌞🌞', '123456789012345678', 'password password password', 'Dragon-Dragon-Dragon']) {
      expect(await isCommonPassword(p), p).toBe(true);
    }
  });

  it('accepts passphrases and random passwords, even when they contain a listed word', async () => {
    for (const p of ['correct horse battery staple 42', 'dragon fruit on the windowsill', 'password manager generated: Xk9#pQ2!vL', 'mailcreated5240x', 'Tr0ub4dor&3-is-long-enough', 'ünïcödé pässphrâse wörks']) {
      expect(await isCommonPassword(p), p).toBe(false);
    }
  });

  it('handles the longest allowed input (1,024 bytes)', async () => {
    expect(await isCommonPassword('7'.repeat(1024))).toBe(true); // '7777777' is listed
    expect(await isCommonPassword('x9'.repeat(512))).toBe(false);
  });

  it('refuses with a 400-style ValidationError naming the field', async () => {
    const err = await assertNotCommonPassword('MailCreated5240', 'newPassword').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).fields).toEqual([{ path: 'newPassword', message: 'is one of the most common passwords' }]);
    await expect(assertNotCommonPassword('correct horse battery staple 42', 'password')).resolves.toBeUndefined();
  });
});
