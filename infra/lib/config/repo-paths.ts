import { resolve } from 'node:path';

/** The repository root, resolved from this file so synth works from any working directory. */
export const REPO_ROOT = resolve(import.meta.dirname, '../../..');

/** Where each deployable piece lives in the monorepo. */
export const repoPaths = {
  root: REPO_ROOT,
  lockFile: resolve(REPO_ROOT, 'package-lock.json'),
  /** One file per Lambda; see functions/src/entrypoints. */
  entry: (name: 'http-api' | 'scheduled' | 'dispatch') => resolve(REPO_ROOT, 'functions/src/entrypoints', `${name}.ts`),
  webBuild: resolve(REPO_ROOT, 'web/build'),
  migratorDockerfile: 'migrator-container/Dockerfile',
  migratorDockerignore: resolve(REPO_ROOT, 'migrator-container/.dockerignore'),
};
