import { App } from 'aws-cdk-lib';
import { definePurelyManage } from '../../lib/define-app.ts';

// bin/app.ts as a checkout without `npm run build:web` runs it: the CLI tests point `--app` here.
definePurelyManage(new App(), '/nonexistent/purelymanage-web-build');
