import { App } from 'aws-cdk-lib';
import { repoPaths } from '../lib/config/repo-paths.ts';
import { definePurelyManage } from '../lib/define-app.ts';

// The CDK app: `npx cdk synth|deploy --all` from the repository root (cdk.json points here). Synthesis works
// without web/build for commands that deploy nothing (`cdk bootstrap`, `cdk ls`); deploying needs `npm run build:web`.
definePurelyManage(new App(), repoPaths.webBuild);
