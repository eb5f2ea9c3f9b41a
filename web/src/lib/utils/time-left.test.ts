import { describe, expect, it } from 'vitest';
import { timeLeft } from './time-left.ts';

describe('timeLeft', () => {
  const now = new Date('2026-11-21T09:00:00Z');
  it.each([
    ['2026-11-22T09:00:00Z', '24 h left'],
    ['2026-11-22T08:59:00Z', '23 h left'],
    ['2026-11-21T09:45:00Z', '45 min left'],
    ['2026-11-21T09:00:30Z', 'due now'],
    ['2026-11-20T09:00:00Z', 'due now'],
    ['2026-11-24T10:00:00Z', '3 days left'],
    ['not a date', '—'],
  ])('%s → %s', (at, expected) => expect(timeLeft(at, now)).toBe(expected));
});
