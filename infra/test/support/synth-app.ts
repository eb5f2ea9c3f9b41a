import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { App } from 'aws-cdk-lib';
import { repoPaths } from '../../lib/config/repo-paths.ts';
import { readStageConfig } from '../../lib/config/stage-config.ts';
import { buildPurelyManage, type FunctionEntries, type PurelyManageStacks } from '../../lib/purely-manage-app.ts';

const fixtures = resolve(import.meta.dirname, '../fixtures');

/** The real entry files, as bin/app.ts deploys them. */
export function testEntries(): FunctionEntries {
  return { api: repoPaths.entry('http-api'), scheduled: repoPaths.entry('scheduled'), dispatch: repoPaths.entry('dispatch') };
}

export interface TestAppOptions {
  /** Extra CDK context (stage config keys, or `aws:cdk:bundling-stacks`). */
  readonly context?: Record<string, unknown>;
  /** Bundle the Lambdas with esbuild (slow). @default false: stack tests only need the template. */
  readonly bundle?: boolean;
  /** @default true */
  readonly nag?: boolean;
  /** @default testEntries() */
  readonly entries?: FunctionEntries;
}

/** Builds the whole app once, writing the cloud assembly to a fresh directory under /tmp. */
export function buildTestApp(options: TestAppOptions = {}): { app: App; stacks: PurelyManageStacks; outdir: string } {
  const outdir = mkdtempSync(join(tmpdir(), 'pm-cdk-'));
  const app = new App({
    outdir,
    context: {
      senderEmail: 'notify@purelymanage.test',
      // Fixed, so templates do not depend on the machine the tests run on (the default is the deployer's CPU).
      migratorArchitecture: 'arm64',
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
      ...options.context,
    },
  });
  const stacks = buildPurelyManage(app, {
    config: readStageConfig(app.node),
    entries: options.entries ?? testEntries(),
    webBuildDir: join(fixtures, 'web-build'),
    nag: options.nag ?? true,
  });
  return { app, stacks, outdir };
}
