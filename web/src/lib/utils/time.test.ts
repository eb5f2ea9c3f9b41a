import { describe, expect, it } from 'vitest';
import { formatDateTime, humanTimes, relativeTime } from './time.ts';

const now = new Date('2025-03-10T12:00:00Z');
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000).toISOString();

describe('relativeTime', () => {
  it('says "just now" within 45 seconds either way', () => {
    expect(relativeTime(ago(10), now)).toBe('just now');
    expect(relativeTime(ago(-30), now)).toBe('just now');
  });

  it('uses the largest whole unit in the past', () => {
    expect(relativeTime(ago(50), now)).toBe('1 minute ago');
    expect(relativeTime(ago(5 * 60), now)).toBe('5 minutes ago');
    expect(relativeTime(ago(3 * 3600), now)).toBe('3 hours ago');
    expect(relativeTime(ago(24 * 3600), now)).toBe('yesterday');
    expect(relativeTime(ago(3 * 24 * 3600), now)).toBe('3 days ago');
    expect(relativeTime(ago(14 * 24 * 3600), now)).toBe('2 weeks ago');
    expect(relativeTime(ago(400 * 24 * 3600), now)).toBe('last year');
  });

  it('handles the future', () => {
    expect(relativeTime(ago(-2 * 3600), now)).toBe('in 2 hours');
  });

  it('accepts Date objects and rejects garbage', () => {
    expect(relativeTime(new Date(now.getTime() - 120_000), now)).toBe('2 minutes ago');
    expect(relativeTime('not a date', now)).toBe('—');
  });
});

describe('formatDateTime', () => {
  it('shows a dash for missing or invalid dates', () => {
    expect(formatDateTime(null)).toBe('—');
    expect(formatDateTime('nope')).toBe('—');
  });

  it('formats a valid date to a non-empty string', () => {
    expect(formatDateTime('2025-03-10T12:00:00Z')).toMatch(/2025/);
  });
});

describe('humanTimes', () => {
  it('puts every ISO instant of a sentence in the admin’s words and leaves the rest alone', () => {
    const fmt = (iso: string) => `<${new Date(iso).getUTCHours()}h>`;
    expect(humanTimes('The next delta pass at 2026-12-08T00:33:00.000Z.', fmt)).toBe('The next delta pass at <0h>.');
    expect(humanTimes('from 2026-12-08T10:00:00Z until 2026-12-08T18:34Z', fmt)).toBe('from <10h> until <18h>');
    expect(humanTimes('No pass scheduled. 2026-12-08 is a date, not an instant.', fmt)).toBe('No pass scheduled. 2026-12-08 is a date, not an instant.');
    // Default: the browser's zone and locale, as every toast shows a server sentence.
    expect(humanTimes('until 2026-12-08T18:34:00.000Z')).toBe(`until ${formatDateTime('2026-12-08T18:34:00.000Z')}`);
  });
});
