import { describe, expect, it } from 'vitest';
import type { CreditForecast } from '@app/shared';
import { creditTone, forecastWords, formatDollars } from './credit.ts';

describe('creditTone', () => {
  it('maps ok to green', () => {
    const t = creditTone('ok');
    expect(t.text).toContain('emerald');
    expect(t.badge).toBe('success');
  });

  it('maps amber to amber', () => {
    const t = creditTone('amber');
    expect(t.text).toContain('amber');
    expect(t.badge).toBe('warning');
  });

  it('maps red to red', () => {
    const t = creditTone('red');
    expect(t.text).toContain('red');
    expect(t.badge).toBe('danger');
  });

  it('is neutral when never synced', () => {
    expect(creditTone(null)).toMatchObject({ badge: 'neutral', label: 'Not synced yet' });
    expect(creditTone(undefined).text).toContain('slate');
  });
});

describe('formatDollars', () => {
  it('formats thresholds without floats', () => {
    expect(formatDollars('5')).toBe('$5');
    expect(formatDollars('4.5')).toBe('$4.50');
    expect(formatDollars('10.00')).toBe('$10');
    expect(formatDollars('0.05')).toBe('$0.05');
    expect(formatDollars('$5.00')).toBe('$5.00');
  });
});

describe('forecastWords', () => {
  const base: CreditForecast = { status: 'forecast', historyDays: 30, burnPerDay: '0.47', daysLeft: 41, reachesRedOn: '2027-01-17', points: [], alertBelowDays: 14 };
  it('says days left and the rate', () => {
    expect(forecastWords(base, 7)).toEqual({ headline: 'About 41 days left at $0.47/day', detail: 'At the spending of the last 30 days, the credit reaches the red threshold around 17 Jan 2027.' });
  });
  it('says plainly when there is too little history or nothing is spent', () => {
    expect(forecastWords({ ...base, status: 'not_enough_history', historyDays: 3, daysLeft: null, burnPerDay: null, reachesRedOn: null }, 7)).toEqual({
      headline: 'Not enough history for a forecast yet',
      detail: 'The panel keeps one reading a day; it has 3 of the 7 days it needs.',
    });
    expect(forecastWords({ ...base, status: 'not_falling', daysLeft: null, burnPerDay: null, reachesRedOn: null }, 7).headline).toBe('The balance is not falling');
  });
});
