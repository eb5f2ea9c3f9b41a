import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { repoPaths } from '../lib/config/repo-paths.ts';
import { buildPurelyManage } from '../lib/purely-manage-app.ts';
import { readStageConfig } from '../lib/config/stage-config.ts';
import { testEntries } from './support/synth-app.ts';

const MISSING = '/nonexistent/purelymanage-web-build';

/** The app without a web build, as a checkout that has not run `npm run build:web` yet; `bundling` as the CLI sets it. */
function appWithoutWebBuild(bundlingStacks: string[]) {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'pm-cdk-')), context: { senderEmail: 'notify@purelymanage.test', 'aws:cdk:bundling-stacks': bundlingStacks } });
  const stacks = buildPurelyManage(app, { config: readStageConfig(app.node), entries: testEntries(), webBuildDir: MISSING, nag: false });
  return { app, stacks };
}

describe('synthesis without web/build (cdk bootstrap before npm run build:web)', () => {
  it('the real `cdk bootstrap` gets past synthesizing the app (it then needs credentials, which this machine has none of)', () => {
    const out = spawnSync('npx', ['cdk', 'bootstrap', '--no-notices', '--app', 'npx tsx infra/test/support/app-without-web-build.ts', '--output', mkdtempSync(join(tmpdir(), 'pm-cdk-'))], {
      cwd: repoPaths.root,
      encoding: 'utf8',
      timeout: 150_000,
      env: {
        ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_'))),
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_CONFIG_FILE: '/nonexistent',
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
        CDK_DISABLE_CLI_TELEMETRY: 'true',
      },
    });
    const output = `${out.stdout}\n${out.stderr}`;
    expect(output).not.toContain('is missing');
    expect(output).not.toMatch(/Subprocess exited with error/);
    // Synthesis succeeded: the CLI went on to look for the account to bootstrap.
    expect(output).toContain('Unable to resolve AWS account');
  });

  it('bundling no stack (bootstrap, ls, destroy): every stack synthesizes; the site upload is left out with a warning', () => {
    const { app, stacks } = appWithoutWebBuild([]);
    app.synth();
    Template.fromStack(stacks.web).resourceCountIs('Custom::CDKBucketDeployment', 0);
    Annotations.fromStack(stacks.web).hasWarning('*', Match.stringLikeRegexp('index.html is missing: run "npm run build:web"'));
    Annotations.fromStack(stacks.web).hasNoError('*', Match.anyValue());
  });

  it('synthesizing or deploying the Web stack without the build is an error naming the command to run', () => {
    const { app, stacks } = appWithoutWebBuild(['PurelyManage-prod-Web']);
    app.synth();
    expect(Stack.of(stacks.web).bundlingRequired).toBe(true);
    Annotations.fromStack(stacks.web).hasError('*', Match.stringLikeRegexp(`${MISSING}/index.html is missing: run "npm run build:web"`));
    // The other stacks need no web build.
    Annotations.fromStack(stacks.data).hasNoError('*', Match.anyValue());
  });
});
