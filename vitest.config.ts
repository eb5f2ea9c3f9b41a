import { defineConfig } from 'vitest/config';

// Unit and integration tiers. Browser tests live in vitest.e2e.config.ts (npm run test:e2e).
// Every store talks to dynalite through the AWS SDK, which warns once per process on Node 20 (this machine's;
// users run 22 or 24): the warning says nothing about the code under test.
const env = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'shared', root: './shared', include: ['src/**/*.test.ts'] } },
      {
        test: {
          name: 'functions',
          root: './functions',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          environment: 'node',
          env,
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'migrator',
          root: './migrator-container',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          environment: 'node',
          env,
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'infra',
          root: './infra',
          include: ['test/**/*.test.ts'],
          env,
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
      {
        extends: './web/vite.config.ts',
        test: { name: 'web', root: './web', include: ['src/**/*.test.ts'], environment: 'node' },
      },
    ],
  },
});
