import type { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { LambdaEvent } from 'hono/aws-lambda';
import { createTable } from '../../adapters/dynamodb/table.ts';
import { NodeDnsLookup } from '../../adapters/dns/node-dns-lookup.ts';
import { PurelyMailHttpClient } from '../../adapters/purelymail/purelymail-http-client.ts';
import { PurelyMailNotConfiguredError } from '../../modules/purelymail/errors.ts';
import type { AppContext } from '../../http/app-env.ts';
import { parseConfig, AwsConfig } from '../config.ts';
import { systemClock } from '../clock.ts';
import { createJsonLogger } from '../logger.ts';
import { once } from '../once.ts';
import { safeEqual } from '../safe-equal.ts';
import { buildAppDeps } from './build-app-deps.ts';
import { createEventBridgeScheduler } from '../../adapters/scheduler/eventbridge-scheduler.ts';
import { createSesMailer } from '../../adapters/ses/ses-mailer.ts';
import type { SecretOpener, SecretSealer } from '../../modules/secrets/ports.ts';

export type SecretsManagerSdk = () => Promise<{ client: SecretsManagerClient; GetSecretValueCommand: typeof GetSecretValueCommand }>;

/** The Secrets Manager SDK and one client, loaded on the first secret read instead of at every cold start. */
const lazySecretsManager = (): SecretsManagerSdk =>
  once(async () => {
    const { SecretsManagerClient, GetSecretValueCommand } = await import('../../adapters/secrets-manager/secrets-manager-sdk.ts');
    return { client: new SecretsManagerClient({}), GetSecretValueCommand };
  });

/** The app secret's JSON (infra/lib/stacks/data-stack.ts): the PurelyMail token ops set, the generated origin-verify value. */
export interface AppSecret {
  readonly purelymailToken?: string;
  readonly originVerify?: string;
}

/** What the stack puts in `purelymailToken` until ops set the real token. */
export const PURELYMAIL_TOKEN_PLACEHOLDER = 'REPLACE_ME';

/** The app secret still holds no PurelyMail token: every PurelyMail call fails like an outage (503) until ops set it. */
export class PurelyMailTokenNotSetError extends PurelyMailNotConfiguredError {
  constructor(secretId: string) {
    // The token is read before any operation is known; the operation and reason only satisfy the shape.
    super('listUser', 'http');
    this.message =
      `PurelyMail token not set in ${secretId}: set the PurelyMail token: aws secretsmanager put-secret-value --secret-id ${secretId} ` +
      `--secret-string "$(aws secretsmanager get-secret-value --secret-id ${secretId} --query SecretString --output text | jq -c --arg t '<token>' '.purelymailToken = $t')" (infra/README.md)`;
  }
}

/** The secret's JSON, never echoing it: JSON.parse errors quote the input, so they are not passed on. */
function parseAppSecret(secretId: string, text: string | undefined): AppSecret {
  let parsed: unknown;
  try {
    parsed = text === undefined ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`Secret ${secretId} is not a JSON object with purelymailToken and originVerify (infra/README.md).`);
  const field = (key: keyof AppSecret) => {
    const v = (parsed as Record<string, unknown>)[key];
    return typeof v === 'string' && v.trim() ? v.trim() : undefined;
  };
  return { purelymailToken: field('purelymailToken'), originVerify: field('originVerify') };
}

/**
 * Reads the app secret once per cold start and keeps it for the life of the execution environment; both fields
 * come from that one read. A failed read is not cached, nor is a token still at the placeholder (so a token set
 * since is picked up on the next call). Errors name the secret, never its value.
 */
export function cachedAppSecret(secrets: SecretsManagerSdk, secretId: string): { purelymailToken: () => Promise<string>; originVerify: () => Promise<string | undefined> } {
  let value: Promise<AppSecret> | undefined;
  const read = () => {
    if (!value) {
      const pending = secrets()
        .then(({ client, GetSecretValueCommand }) => client.send(new GetSecretValueCommand({ SecretId: secretId })))
        .then((out) => parseAppSecret(secretId, out.SecretString));
      // A failed read must not poison the cache for the rest of the container's life.
      pending.catch(() => {
        if (value === pending) value = undefined;
      });
      value = pending;
    }
    return value;
  };
  return {
    purelymailToken: async () => {
      const pending = read();
      const { purelymailToken } = await pending;
      if (purelymailToken && purelymailToken !== PURELYMAIL_TOKEN_PLACEHOLDER) return purelymailToken;
      if (value === pending) value = undefined;
      throw new PurelyMailTokenNotSetError(secretId);
    },
    originVerify: async () => (await read()).originVerify,
  };
}

/**
 * The AWS composition root: DynamoDB, PurelyMail with its token from Secrets Manager, the client IP from
 * CloudFront's viewer-address header (trusted only with CloudFront's secret origin header).
 */
export function composeAws(env: Record<string, string | undefined> = process.env) {
  const config = parseConfig(AwsConfig, env);
  const secrets = lazySecretsManager();
  const appSecret = cachedAppSecret(secrets, config.APP_SECRET_ARN);
  let originSecretValue: string | undefined;
  // Read at cold start, off the request path; until it arrives (or after a failed read) no request is trusted.
  const loadOriginSecret = () => void appSecret.originVerify().then((v) => (originSecretValue = v), () => undefined);
  loadOriginSecret();
  const clientIp = (c: AppContext): string => {
    if (originSecretValue === undefined) loadOriginSecret();
    const event = (c.env as { event?: LambdaEvent } | undefined)?.event;
    const viewer = c.req.header('cloudfront-viewer-address');
    // Constant time: a timing difference must not let a client find the secret character by character.
    const verify = c.req.header('x-origin-verify');
    if (viewer && originSecretValue && verify !== undefined && safeEqual(verify, originSecretValue)) return viewer.replace(/:\d+$/, '');
    return (event?.requestContext as { http?: { sourceIp?: string } } | undefined)?.http?.sourceIp ?? 'unknown';
  };
  const logger = createJsonLogger({ level: config.LOG_LEVEL });
  const table = createTable(config.TABLE_NAME, {}, logger);
  // Said once per execution environment (and again after a token was read), not on every call: the scheduled
  // function would otherwise log it every 15 minutes until ops set the token.
  let saidNotSet = false;
  const purelymailToken = () =>
    appSecret.purelymailToken().then(
      (token) => ((saidNotSet = false), token),
      (err: unknown) => {
        // Its message is the fix (the command to run); it names the secret, never a value.
        if (err instanceof PurelyMailTokenNotSetError && !saidNotSet) {
          saidNotSet = true;
          logger.error('PurelyMail token not set', { error: err.message });
        }
        throw err;
      },
    );
  return buildAppDeps({
    table,
    purelymail: new PurelyMailHttpClient({ baseUrl: config.PURELYMAIL_BASE_URL, token: purelymailToken, timeoutMs: config.PURELYMAIL_TIMEOUT_MS, logger }),
    config,
    clock: systemClock,
    logger,
    sandbox: false,
    allowedOrigins: [config.APP_ORIGIN],
    clientIp,
    dnsLookup: new NodeDnsLookup({ servers: config.DNS_SERVERS }),
    ownershipCodeFallback: config.PURELYMAIL_OWNERSHIP_TOKEN,
    scheduler: awsScheduler(config),
    mfaSecretBox: lazyKmsBox(config.MIGRATION_KMS_KEY_ID),
    mailer: createSesMailer({ configurationSetName: config.SES_CONFIGURATION_SET }),
    panelUrl: config.APP_ORIGIN,
    mailFrom: config.MAIL_FROM,
    senderIdentities: config.MAIL_FROM_IDENTITIES,
    dnsTierBatch: config.DNS_TIER_BATCH,
    // Loaded on first use: most requests touch neither domains nor migrations, so a cold start skips both.
    dnsFeature: { load: async (core) => (await import('./aws-features.ts')).buildDnsFeature(core) },
    migrationFeature: { load: async (core) => (await import('./aws-features.ts')).buildAwsMigrationFeature(core, config, table, logger) },
  });
}

/**
 * TOTP secrets under the credentials key with their own purpose (the api role may GenerateDataKey and Decrypt
 * for `admin-mfa` only). The KMS SDK is loaded on the first 2FA enrolment or code check, off the cold start.
 */
function lazyKmsBox(keyId: string | undefined): SecretSealer & SecretOpener {
  const load = once(async () => {
    if (!keyId) throw new Error('MIGRATION_KMS_KEY_ID is not configured: two-factor secrets cannot be sealed.');
    return (await import('../../adapters/kms/kms-secret-box.ts')).createDefaultKmsSecretBox(keyId);
  });
  return { seal: async (p, c) => (await load()).seal(p, c), open: async (s, c) => (await load()).open(s, c) };
}

/** EventBridge Scheduler when the stack configured it; without it only the sweeper runs due actions. */
function awsScheduler(config: AwsConfig) {
  const { SCHEDULER_GROUP_NAME: groupName, SCHEDULED_FUNCTION_ARN: targetArn, SCHEDULER_ROLE_ARN: roleArn, SCHEDULER_DLQ_ARN: deadLetterArn } = config;
  return groupName && targetArn && roleArn && deadLetterArn ? createEventBridgeScheduler({ groupName, targetArn, roleArn, deadLetterArn }) : undefined;
}
