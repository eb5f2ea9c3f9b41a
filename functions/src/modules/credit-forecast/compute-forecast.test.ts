import { describe, expect, it } from 'vitest';
import { computeForecast } from './compute-forecast.ts';

const now = new Date('2026-12-07T12:00:00Z');
const day = (n: number) => new Date(now.getTime() - n * 86_400_000).toISOString().slice(0, 10);
/** Readings for the last `credits.length` days, the last one today. */
const series = (credits: number[]) => credits.map((c, i) => ({ day: day(credits.length - 1 - i), credit: String(c), at: `${day(credits.length - 1 - i)}T09:00:00Z` }));

describe('computeForecast', () => {
  it('says there is not enough history with readings on fewer than 7 days', () => {
    const f = computeForecast(series([30, 29, 28, 27, 26, 25]), now, '2', 14);
    expect(f).toMatchObject({ status: 'not_enough_history', historyDays: 6, daysLeft: null, burnPerDay: null });
    expect(f.points).toHaveLength(6);
  });

  it('forecasts from the spending per day: $21.50 above the red threshold at $0.50/day is 43 days', () => {
    const f = computeForecast(series([26.5, 26, 25.5, 25, 24.5, 24, 23.5]), now, '2', 14);
    expect(f).toMatchObject({ status: 'forecast', burnPerDay: '0.50', daysLeft: 43, reachesRedOn: '2027-01-19', historyDays: 7 });
  });

  it('does not count a top-up as negative spending', () => {
    // $5 spent over 6 days, with $19 added on day 4 (that day's rise is not spending, nor negative spending).
    const f = computeForecast(series([10, 9, 8, 27, 26, 25, 24]), now, '4', 14);
    expect(f).toMatchObject({ status: 'forecast', burnPerDay: '0.83', daysLeft: 24 });
  });

  it('says the balance is not falling when nothing was spent', () => {
    expect(computeForecast(series([20, 20, 20, 25, 25, 25, 25]), now, '2', 14)).toMatchObject({ status: 'not_falling', daysLeft: null });
  });

  it('says the balance is below the red threshold already, whatever the history', () => {
    expect(computeForecast(series([1.5]), now, '2', 14).status).toBe('below_red');
  });

  it('uses only the last 30 days', () => {
    // 40 days: the first 10 spent $5/day, the last 30 spent $1/day.
    const credits = [...Array.from({ length: 10 }, (_, i) => 200 - 5 * i), ...Array.from({ length: 30 }, (_, i) => 140 - i)];
    const f = computeForecast(series(credits), now, '2', 14);
    expect(f.historyDays).toBe(30);
    expect(f.burnPerDay).toBe('1.00');
  });
});
