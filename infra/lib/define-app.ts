import type { App } from 'aws-cdk-lib';
import { repoPaths } from './config/repo-paths.ts';
import { readStageConfig } from './config/stage-config.ts';
import { buildPurelyManage, type PurelyManageStacks } from './purely-manage-app.ts';

/**
 * The deployable app, as bin/app.ts runs it: the stage config from CDK context, the real Lambda entry files and
 * the SPA build directory (which may be missing for commands that deploy nothing, see StaticSite).
 */
export function definePurelyManage(app: App, webBuildDir: string): PurelyManageStacks {
  return buildPurelyManage(app, {
    config: readStageConfig(app.node),
    entries: {
      api: repoPaths.entry('http-api'),
      scheduled: repoPaths.entry('scheduled'),
      dispatch: repoPaths.entry('dispatch'),
    },
    webBuildDir,
  });
}
