import { existsSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { repoPaths } from '../lib/config/repo-paths.ts';
import { readStageConfig } from '../lib/config/stage-config.ts';
import { buildPurelyManage } from '../lib/purely-manage-app.ts';

// The CDK app: `npx cdk synth|deploy --all` from the repository root (cdk.json points here).
const app = new App();
if (!existsSync(`${repoPaths.webBuild}/index.html`)) {
  throw new Error(`${repoPaths.webBuild}/index.html is missing: run "npm run build:web" (npm run synth does it for you).`);
}
buildPurelyManage(app, {
  config: readStageConfig(app.node),
  entries: {
    api: repoPaths.entry('http-api'),
    scheduled: repoPaths.entry('scheduled'),
    dispatch: repoPaths.entry('dispatch'),
  },
  webBuildDir: repoPaths.webBuild,
});
