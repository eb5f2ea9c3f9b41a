import { describe, expect, it } from 'vitest';
import { safeEqual } from './safe-equal.ts';

describe('safeEqual', () => {
  it('is true for equal strings only, whatever their lengths', () => {
    expect(safeEqual('a'.repeat(48), 'a'.repeat(48))).toBe(true);
    expect(safeEqual('a'.repeat(48), `${'a'.repeat(47)}b`)).toBe(false);
    expect(safeEqual('short', 'a much longer value')).toBe(false);
    expect(safeEqual('', '')).toBe(true);
    expect(safeEqual('', 'x')).toBe(false);
    expect(safeEqual('é', 'e\u0301')).toBe(false);
  });
});
