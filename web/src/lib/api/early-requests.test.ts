import { afterEach, describe, expect, it, vi } from 'vitest';

const g = globalThis as { __pmEarly?: unknown };

describe('requests app.html started before the app loaded', () => {
  afterEach(() => {
    delete g.__pmEarly;
    vi.resetModules();
  });

  it('are handed over once, for their path, and count as started', async () => {
    const response = Promise.resolve(new Response('{"who":"inline"}', { status: 200 }));
    g.__pmEarly = { '/api/auth/me': { at: Date.now(), response } };
    vi.resetModules();
    const { startedEarly, takeEarly } = await import('./early-requests.ts');
    expect(startedEarly('/api/auth/me')).toBe(true);
    expect(startedEarly('/api/dashboard')).toBe(false);
    expect(await (await takeEarly('/api/auth/me'))!.json()).toEqual({ who: 'inline' });
    expect(takeEarly('/api/auth/me')).toBeUndefined();
    expect(startedEarly('/api/auth/me')).toBe(false);
  });

  it('without the inline script nothing is started', async () => {
    vi.resetModules();
    const { startedEarly, takeEarly } = await import('./early-requests.ts');
    expect(startedEarly('/api/auth/me')).toBe(false);
    expect(takeEarly('/api/auth/me')).toBeUndefined();
  });
});
