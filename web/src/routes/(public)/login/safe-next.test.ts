import { describe, expect, it } from 'vitest';
import { safeNext } from './safe-next.ts';

describe('safeNext', () => {
  it('keeps same-site paths with their query', () => {
    expect(safeNext('/audit?actor=a%40b.c')).toBe('/audit?actor=a%40b.c');
    expect(safeNext('/settings')).toBe('/settings');
  });

  it('refuses anything that could leave the site or loop', () => {
    for (const bad of [null, '', 'https://evil.example', '//evil.example', '/\\evil.example', 'javascript:alert(1)', '/login', '/setup', '/x\n']) {
      expect(safeNext(bad)).toBe('/');
    }
  });
});
