import { describe, expect, it } from 'vitest';
import { creditTone, formatDollars } from './credit.ts';

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
