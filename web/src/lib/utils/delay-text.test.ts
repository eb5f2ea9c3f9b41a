import { describe, expect, it } from 'vitest';
import { delayText } from './delay-text.ts';

describe('delayText', () => {
  it('says hours, and whole days from two days up', () => {
    expect(delayText(1)).toBe('1 hour');
    expect(delayText(24)).toBe('24 hours');
    expect(delayText(36)).toBe('36 hours');
    expect(delayText(48)).toBe('2 days');
    expect(delayText(720)).toBe('30 days');
  });
});
