import { CfnOutput, Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { MailSenders } from './config/mail-senders.ts';
import type { StageConfig } from './config/stage-config.ts';
import { ApiStack } from './stacks/api-stack.ts';
import { DataStack } from './stacks/data-stack.ts';
import { MigratorStack } from './stacks/migrator-stack.ts';
import { WebStack } from './stacks/web-stack.ts';

/** The Lambda entry files to deploy (functions/src/entrypoints/<name>.ts, each exporting `handler`). */
export interface FunctionEntries {
  readonly api: string;
  readonly scheduled: string;
  readonly dispatch: string;
}

export interface PurelyManageAppProps {
  readonly config: StageConfig;
  readonly entries: FunctionEntries;
  /** The SvelteKit static build directory. */
  readonly webBuildDir: string;
  /** Run the cdk-nag AwsSolutions pack at synth (a finding without acknowledgement fails synth). @default true */
  readonly nag?: boolean;
}

export interface PurelyManageStacks {
  readonly data: DataStack;
  readonly migrator: MigratorStack;
  readonly web: WebStack;
  readonly api: ApiStack;
}

/**
 * Builds the four stacks of one stage. Stateful first (data), then the migration pipeline, the web front
 * (CloudFront + HTTP API), and the API functions that attach to it. Environment-agnostic on purpose: synth
 * needs no credentials and no context lookups; `cdk deploy` takes account and region from the profile.
 */
export function buildPurelyManage(app: App, props: PurelyManageAppProps): PurelyManageStacks {
  const { config } = props;
  const name = (part: string) => `PurelyManage-${config.stage}-${part}`;
  const tags = { project: 'purelymanage', stage: config.stage };

  const data = new DataStack(app, name('Data'), {
    description: 'PurelyManage data: table, credentials key, secrets, SES identity, alarm topic (retained)',
    mailSenders: new MailSenders(config.senderEmail, { existingIdentity: config.existingSenderIdentity, extraIdentities: config.extraSenderIdentities }),
    existingSenderIdentity: config.existingSenderIdentity,
    alarmEmail: config.alarmEmail,
    tags,
  });
  // Web before the migrator: dispatch links to the site in its emails.
  const web = new WebStack(app, name('Web'), {
    description: 'PurelyManage web: CloudFront, SPA bucket, HTTP API',
    webBuildDir: props.webBuildDir,
    appSecret: data.appSecret,
    domainName: config.domainName,
    certificateArn: config.certificateArn,
    tags,
  });
  const migrator = new MigratorStack(app, name('Migrator'), {
    description: 'PurelyManage migrations: job queue, dispatch function, Fargate imapsync tasks',
    table: data.sharedTable,
    credentialsKey: data.credentialsKey,
    alarmTopic: data.alarmTopic,
    containerInsights: config.containerInsights,
    dispatchEntry: props.entries.dispatch,
    mailSenders: data.mailSenders,
    siteUrl: web.site.siteUrl,
    architecture: config.migratorArchitecture,
    spot: config.migratorSpot,
    extraImapPorts: config.extraImapPorts,
    tags,
  });
  const api = new ApiStack(app, name('Api'), {
    description: 'PurelyManage API: api and scheduled functions, EventBridge Scheduler',
    table: data.sharedTable,
    namePrefix: `purelymanage-${config.stage}`,
    credentialsKey: data.credentialsKey,
    appSecret: data.appSecret,
    mailSenders: data.mailSenders,
    alarmTopic: data.alarmTopic,
    migrationQueue: migrator.jobs.queue,
    deadLetterQueue: migrator.deadLetters,
    migratorLogGroup: migrator.task.logGroup,
    httpApi: web.frontDoor.httpApi,
    siteUrl: web.site.siteUrl,
    apiEntry: props.entries.api,
    scheduledEntry: props.entries.scheduled,
    extraImapPorts: config.extraImapPorts,
    route53Zones: config.route53Zones,
    dnsWatchResolvers: config.dnsWatchResolvers,
    tags,
  });

  // The table is imported by export name, which CloudFormation does not see as a dependency.
  migrator.addStackDependency(data);
  api.addStackDependency(data);

  new CfnOutput(data, 'TableName', { value: data.table.tableName, description: 'The DynamoDB table' });
  new CfnOutput(data, 'CreateFirstAdmin', {
    value: `npm run admin -- create --email you@example.com --table ${data.table.tableName}`,
    description: 'Run from the repository with AWS credentials for this account and region; reads the password from stdin',
  });
  new CfnOutput(data, 'AppSecretArn', {
    value: data.appSecret.secretArn,
    description: 'Set purelymailToken in this JSON secret, keeping originVerify (infra/README.md, "After the first deploy")',
  });

  if (props.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { data, migrator, web, api };
}
