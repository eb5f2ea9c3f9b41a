import { describe, expect, it } from 'vitest';

/**
 * lazySchema earns its place only if importing @app/shared builds nothing: every schema is built the first time it
 * is used (the api imports all ~200 and a request uses a handful; the worker imports a few and uses one).
 * zod calls its global post-processor for every schema it constructs; count those calls around the import.
 */
describe('importing @app/shared', () => {
  it('builds no zod schema until one is used', async () => {
    let built = 0;
    const zodConfig = ((globalThis as { __zod_globalConfig?: Record<string, unknown> }).__zod_globalConfig ??= {});
    zodConfig.postProcessor = () => void built++;
    try {
      const shared = await import('./index.ts');
      expect(Object.keys(shared).length).toBeGreaterThan(150);
      expect(built).toBe(0);
      // The counter works: using one schema builds it (and the schemas it is made of).
      expect(shared.RunState.parse('queued')).toBe('queued');
      expect(built).toBeGreaterThan(0);
    } finally {
      delete zodConfig.postProcessor;
    }
  });
});
