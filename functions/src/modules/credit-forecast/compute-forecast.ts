import { CREDIT_FORECAST_MIN_DAYS, CREDIT_FORECAST_WINDOW_DAYS, type CreditForecast } from '@app/shared';
import type { CreditReading } from './ports.ts';

const DAY_MS = 86_400_000;
export const dayOf = (at: Date): string => at.toISOString().slice(0, 10);
export const addDays = (day: string, n: number): string => dayOf(new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS));
const daysBetween = (a: string, b: string) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);

/**
 * The credit forecast from the daily readings (pure).
 *
 * Burn rate: what was spent over the window (the sum of the day-to-day drops; a top-up is a rise and is not
 * counted as negative spending, so it does not hide the spending around it) divided by the days the readings
 * span. Days left: (balance − red threshold) ÷ burn rate, rounded down. Amounts are PurelyMail's decimal strings;
 * the forecast itself is an estimate, so it is computed in floating point and rounded for display.
 */
export function computeForecast(readings: readonly CreditReading[], now: Date, red: string, alertBelowDays: number): CreditForecast {
  const today = dayOf(now);
  const from = addDays(today, -(CREDIT_FORECAST_WINDOW_DAYS - 1));
  const points = readings.filter((r) => r.day >= from && r.day <= today).sort((a, b) => a.day.localeCompare(b.day));
  const base = { historyDays: points.length, points: points.map((p) => ({ day: p.day, credit: p.credit })), alertBelowDays };
  const none = { burnPerDay: null, daysLeft: null, reachesRedOn: null };
  const last = points.at(-1);
  if (last && Number(last.credit) < Number(red)) return { status: 'below_red', ...base, ...none };
  if (!last || points.length < CREDIT_FORECAST_MIN_DAYS) return { status: 'not_enough_history', ...base, ...none };
  let spent = 0;
  for (let i = 1; i < points.length; i++) spent += Math.max(0, Number(points[i - 1]!.credit) - Number(points[i]!.credit));
  const burn = spent / daysBetween(points[0]!.day, last.day);
  // Less than half a cent a day shows as $0.00/day: that is not falling.
  if (!(burn >= 0.005)) return { status: 'not_falling', ...base, ...none };
  const daysLeft = Math.floor((Number(last.credit) - Number(red)) / burn);
  return { status: 'forecast', ...base, burnPerDay: burn.toFixed(2), daysLeft, reachesRedOn: addDays(last.day, daysLeft) };
}
