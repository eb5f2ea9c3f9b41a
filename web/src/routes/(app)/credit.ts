import type { CreditForecast, CreditLevel } from '@app/shared';

export type CreditTone = {
  /** Text colour for the amount. */
  text: string;
  /** Ring/background accent for the card. */
  accent: string;
  /** Short label for screen readers and the badge. */
  label: string;
  badge: 'success' | 'warning' | 'danger' | 'neutral';
};

/** Map the server's credit level to colours. `null` means never synced. */
export function creditTone(level: CreditLevel | null | undefined): CreditTone {
  switch (level) {
    case 'ok':
      return { text: 'text-emerald-700', accent: 'border-slate-200', label: 'Healthy', badge: 'success' };
    case 'amber':
      return { text: 'text-amber-700', accent: 'border-amber-300 bg-amber-50', label: 'Running low', badge: 'warning' };
    case 'red':
      return { text: 'text-red-700', accent: 'border-red-300 bg-red-50', label: 'Critically low', badge: 'danger' };
    default:
      return { text: 'text-slate-500', accent: 'border-slate-200', label: 'Not synced yet', badge: 'neutral' };
  }
}

/** "$5" / "$4.50" from a decimal string such as "5" or "4.5"; an already formatted "$5" is kept. */
export function formatDollars(amount: string): string {
  const trimmed = amount.trim();
  if (trimmed.startsWith('$')) return trimmed;
  const [whole, frac = ''] = trimmed.split('.');
  if (!frac || /^0+$/.test(frac)) return `$${whole}`;
  return `$${whole}.${frac.padEnd(2, '0').slice(0, 2)}`;
}

/** "$0.47" from the forecast's "0.47". */
const dollars = (amount: string) => `$${Number(amount).toFixed(2)}`;
const dateWords = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
/** "27 Dec 2026" from "2026-12-27" (UTC, as the server counts days). */
export const dayWords = (day: string) => dateWords.format(new Date(`${day}T00:00:00Z`));

/** The forecast in one plain sentence, and a second with the detail; never a guess where the server has none. */
export function forecastWords(f: CreditForecast, minDays: number): { headline: string; detail: string } {
  switch (f.status) {
    case 'forecast':
      return {
        headline: `About ${f.daysLeft} ${f.daysLeft === 1 ? 'day' : 'days'} left at ${dollars(f.burnPerDay!)}/day`,
        detail: `At the spending of the last ${f.historyDays} days, the credit reaches the red threshold around ${dayWords(f.reachesRedOn!)}.`,
      };
    case 'not_enough_history':
      return {
        headline: 'Not enough history for a forecast yet',
        detail: `The panel keeps one reading a day; it has ${f.historyDays} of the ${minDays} days it needs.`,
      };
    case 'not_falling':
      return { headline: 'The balance is not falling', detail: `Nothing was spent over the last ${f.historyDays} days with a reading, so there is no date to forecast.` };
    case 'below_red':
      return { headline: 'Below the red threshold now', detail: 'Add credit in your PurelyMail account.' };
  }
}
