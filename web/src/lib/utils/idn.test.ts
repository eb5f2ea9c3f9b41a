import { describe, expect, it } from 'vitest';
import { asciiDomain } from './idn.ts';

describe('asciiDomain', () => {
  it('gives the xn-- form of an international name', () => {
    expect(asciiDomain('café.example')).toBe('xn--caf-dma.example');
    expect(asciiDomain(' Müller.Example. ')).toBe('xn--mller-kva.example');
  });

  it('is null for a plain ASCII name or one that cannot be converted', () => {
    expect(asciiDomain('example.com')).toBeNull();
    expect(asciiDomain('')).toBeNull();
    expect(asciiDomain('bad name é')).toBeNull();
  });
});
