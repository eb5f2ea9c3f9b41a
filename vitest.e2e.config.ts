import { defineConfig } from 'vitest/config';

// Browser tier: real Chromium (Debian's) driven by playwright-core against local runs.
export default defineConfig({
  test: {
    name: 'e2e',
    root: './test/e2e',
    include: ['**/*.e2e.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
