import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { describe, expect, it } from 'vitest';
import { COMMON_PASSWORD_COUNT, loadPasswordJudge, matchesCommonPassword, topCommonPasswords } from './password-strength.ts';

describe('the mailbox password judge (strength meter and API)', () => {
  it('calls password1234, qwertyuiop12 and passwordpassword weak: common, and below Good even by zxcvbn alone', async () => {
    const judge = await loadPasswordJudge();
    const bare = new ZxcvbnFactory(); // what the meter used before: no dictionaries
    for (const p of ['password1234', 'qwertyuiop12', 'passwordpassword']) {
      expect(bare.check(p).score, `${p} without dictionaries`).toBeGreaterThanOrEqual(3);
      expect(judge(p), p).toEqual({ score: 0, common: true, weak: true });
    }
  });

  it('knows words and names from the English dictionaries that are not on the common list', async () => {
    const judge = await loadPasswordJudge();
    for (const p of ['jenniferjohnson', 'christopher1985', 'washingtonlincoln', 'basketballplayer']) {
      expect(judge(p), p).toMatchObject({ common: false, weak: true });
    }
  });

  it('counts the address, its local part, domain and domain labels as guessable', async () => {
    const judge = await loadPasswordJudge();
    expect(judge('harborview2024').weak).toBe(false);
    expect(judge('harborview2024', ['alice@harborview.example']).weak).toBe(true);
    expect(judge('harborview2024', ['alice', 'harborview.example']).weak).toBe(true);
  });

  it('passes generated passwords and passphrases', async () => {
    const judge = await loadPasswordJudge();
    for (const p of ['Mailbox-canary-pass-7781', 'correct horse battery staple 42', 'q7#Vd9!rLx2mPz8wKs4e']) {
      expect(judge(p, ['alice@harborview.example']), p).toMatchObject({ common: false, weak: false });
    }
  });

  it('takes the first 3,000 distinct lower-cased entries of a ranked list', () => {
    const ranked = ['Password', 'password', ...Array.from({ length: 4000 }, (_, i) => `pw${i}`)];
    const top = topCommonPasswords(ranked);
    expect(top).toHaveLength(COMMON_PASSWORD_COUNT);
    expect(top.slice(0, 2)).toEqual(['password', 'pw0']);
  });

  it('matches a listed word repeated or padded, not one inside a longer phrase', () => {
    const list = new Set(['dragon', 'monkey', 'mailcreated5240']);
    for (const p of ['DRAGON', 'dragondragon', 'dragon-dragon-dragon', '!!monkey2024!!', 'mailcreated5240']) expect(matchesCommonPassword(p, list), p).toBe(true);
    for (const p of ['dragon fruit on the sill', 'mailcreated5240x', 'monkeywrench']) expect(matchesCommonPassword(p, list), p).toBe(false);
  });
});
