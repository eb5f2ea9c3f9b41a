import { describe, expect, it } from 'vitest';
import { formatUserCount, isUserListCapped, PURELYMAIL_USER_CAP, PURELYMAIL_USER_CAP_TEXT } from './user.ts';

describe('the 1,000-user cap', () => {
  it('takes an answer of 1,000 names or more as possibly cut off, fewer as complete', () => {
    expect(isUserListCapped(999)).toBe(false);
    expect(isUserListCapped(1000)).toBe(true);
    expect(isUserListCapped(1001)).toBe(true);
  });

  it('counts exactly under the cap and "1,000+" at it, never a wrong exact number', () => {
    expect(formatUserCount(999, false)).toBe('999');
    expect(formatUserCount(1000, true)).toBe('1,000+ (PurelyMail lists at most 1,000)');
    // Our own deletion shortened a capped list: still at least the cap as far as anyone can tell.
    expect(formatUserCount(998, true, { short: true })).toBe('1,000+');
    expect(formatUserCount(1003, true, { short: true })).toBe('1,003+');
  });

  it('writes the cap in messages as the number itself, formatted (a literal, so importing formats nothing)', () => {
    expect(PURELYMAIL_USER_CAP_TEXT).toBe(PURELYMAIL_USER_CAP.toLocaleString('en-US'));
  });
});
