/** Dates for people: absolute in the browser's locale and time zone, and a short relative form. */

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/**
 * "just now", "5 minutes ago", "in 2 hours", "yesterday".
 * @example relativeTime('2024-01-01T00:00:00Z', new Date('2024-01-01T00:05:00Z')) // "5 minutes ago"
 */
export function relativeTime(date: string | Date, now: Date = new Date(), locale = 'en'): string {
  const d = typeof date === 'string' ? new Date(date) : date;
  const ms = d.getTime();
  if (Number.isNaN(ms)) return '—';
  const seconds = Math.round((ms - now.getTime()) / 1000);
  if (Math.abs(seconds) < 45) return 'just now';
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return rtf.format(Math.trunc(seconds / size), unit);
  }
  return rtf.format(Math.round(seconds / 60) || (seconds < 0 ? -1 : 1), 'minute');
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateTimeSeconds = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** "12 Mar 2025, 14:03" in the browser's locale. */
export function formatDateTime(date: string | Date | null | undefined, withSeconds = false): string {
  if (!date) return '—';
  const d = typeof date === 'string' ? new Date(date) : date;
  if (Number.isNaN(d.getTime())) return '—';
  return (withSeconds ? dateTimeSeconds : dateTime).format(d);
}

const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });

/** "14:03" in the browser's locale: a time later today (an undo deadline). */
export function formatTime(date: string | Date): string {
  const d = typeof date === 'string' ? new Date(date) : date;
  return Number.isNaN(d.getTime()) ? '—' : timeOnly.format(d);
}

const ISO_TIME = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z\b/g;

/**
 * The server's sentences carry times as ISO instants (they go into emails and the audit log too, and the server
 * does not know the admin's zone); on a page and in a toast they read in the admin's own zone and locale.
 * @example humanTimes('The next delta pass at 2026-12-08T00:33:00.000Z.', fmt) // 'The next delta pass at 8 Dec 2026, 01:33.'
 */
export function humanTimes(text: string, format: (iso: string) => string = (iso) => formatDateTime(iso)): string {
  return text.replace(ISO_TIME, (iso) => format(iso));
}
