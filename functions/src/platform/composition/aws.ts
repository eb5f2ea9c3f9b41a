import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { LambdaEvent } from 'hono/aws-lambda';
import { createTable } from '../../adapters/dynamodb/table.ts';
import { NodeDnsLookup } from '../../adapters/dns/node-dns-lookup.ts';
import { PurelyMailHttpClient } from '../../adapters/purelymail/purelymail-http-client.ts';
import type { AppContext } from '../../http/app-env.ts';
import { parseConfig, AwsConfig } from '../config.ts';
import { systemClock } from '../clock.ts';
import { createJsonLogger } from '../logger.ts';
import { buildAppDeps } from './build-app-deps.ts';
import { awsSealer, composeAwsMigrationsApi } from './aws-migrations.ts';
import { createEventBridgeScheduler } from '../../adapters/scheduler/eventbridge-scheduler.ts';
import { createSesMailer } from '../../adapters/ses/ses-mailer.ts';

/** Reads a secret once per cold start and keeps it for the life of the execution environment. */
export function cachedSecret(client: SecretsManagerClient, secretId: string): () => Promise<string> {
  let value: Promise<string> | undefined;
  return () => {
    value ??= client.send(new GetSecretValueCommand({ SecretId: secretId })).then((out) => {
      if (!out.SecretString) throw new Error(`Secret ${secretId} has no value yet: set it with aws secretsmanager put-secret-value.`);
      return out.SecretString.trim();
    });
    // A failed read must not poison the cache for the rest of the container's life.
    value.catch(() => (value = undefined));
    return value;
  };
}

/**
 * The AWS composition root: DynamoDB, PurelyMail with its token from Secrets Manager, the client IP from
 * CloudFront's viewer-address header (trusted only with CloudFront's secret origin header).
 */
export function composeAws(env: Record<string, string | undefined> = process.env) {
  const config = parseConfig(AwsConfig, env);
  const secrets = new SecretsManagerClient({});
  const originSecret = config.ORIGIN_VERIFY_SECRET_ARN ? cachedSecret(secrets, config.ORIGIN_VERIFY_SECRET_ARN) : undefined;
  let originSecretValue: string | undefined;
  void originSecret?.().then((v) => (originSecretValue = v));
  const clientIp = (c: AppContext): string => {
    const event = (c.env as { event?: LambdaEvent } | undefined)?.event;
    const viewer = c.req.header('cloudfront-viewer-address');
    if (viewer && originSecretValue && c.req.header('x-origin-verify') === originSecretValue) return viewer.replace(/:\d+$/, '');
    return (event?.requestContext as { http?: { sourceIp?: string } } | undefined)?.http?.sourceIp ?? 'unknown';
  };
  const table = createTable(config.TABLE_NAME);
  const logger = createJsonLogger({ level: config.LOG_LEVEL });
  return buildAppDeps({
    table,
    purelymail: new PurelyMailHttpClient({ baseUrl: config.PURELYMAIL_BASE_URL, token: cachedSecret(secrets, config.PURELYMAIL_TOKEN_SECRET_ARN), timeoutMs: config.PURELYMAIL_TIMEOUT_MS }),
    config,
    clock: systemClock,
    logger,
    sandbox: false,
    allowedOrigins: [config.APP_ORIGIN],
    clientIp,
    dnsLookup: new NodeDnsLookup({ servers: config.DNS_SERVERS }),
    ownershipCodeFallback: config.PURELYMAIL_OWNERSHIP_TOKEN,
    scheduler: awsScheduler(config),
    mailer: createSesMailer({ configurationSetName: config.SES_CONFIGURATION_SET }),
    panelUrl: config.APP_ORIGIN,
    mailFrom: config.MAIL_FROM,
    dnsTierBatch: config.DNS_TIER_BATCH,
    migrations: composeAwsMigrationsApi(config, table, logger),
    campaignSealer: awsSealer(config),
  });
}

/** EventBridge Scheduler when the stack configured it; without it only the sweeper runs due actions. */
function awsScheduler(config: AwsConfig) {
  const { SCHEDULER_GROUP_NAME: groupName, SCHEDULED_FUNCTION_ARN: targetArn, SCHEDULER_ROLE_ARN: roleArn, SCHEDULER_DLQ_ARN: deadLetterArn } = config;
  return groupName && targetArn && roleArn && deadLetterArn ? createEventBridgeScheduler({ groupName, targetArn, roleArn, deadLetterArn }) : undefined;
}
