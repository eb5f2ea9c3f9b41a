import * as z from 'zod';

/** Thrown at start-up when an environment variable is missing or malformed; names the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const csv = z.string().transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));

/** Settings every runtime shares (sessions, throttling, PurelyMail client). */
const Common = {
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
  SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(12),
  LOGIN_ACCOUNT_FAILURES_BEFORE_BACKOFF: z.coerce.number().int().min(1).max(100).default(5),
  LOGIN_IP_FAILURES_PER_WINDOW: z.coerce.number().int().min(1).max(10_000).default(30),
  LOGIN_IP_WINDOW_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(15),
  PURELYMAIL_BASE_URL: z.url().default('https://purelymail.com'),
  PURELYMAIL_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  PURELYMAIL_OWNERSHIP_TOKEN: z.string().optional(),
  /** scrypt cost as log2(N); 17 is OWASP's recommendation. Lower only for tests. */
  PASSWORD_SCRYPT_LOG_N: z.coerce.number().int().min(10).max(20).default(17),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  /** Sender of notification emails (a verified SES identity on AWS); admins can override it in Settings. */
  MAIL_FROM: z.string().min(3).default('purelymanage@localhost'),
  /** At most this many PurelyMail DNS rechecks per tier run (each costs one call, plus one listDomains per run). */
  DNS_TIER_BATCH: z.coerce.number().int().min(1).max(100).default(10),
  /** Migrations: the concurrency limit's default until an admin saves one (the setting lives in the store). */
  MIGRATION_CONCURRENCY: z.coerce.number().int().min(1).max(50).default(4),
  /** Runs in one retry chain, counting the first: interruptions are retried automatically up to this. */
  MIGRATION_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  /** When every slot is busy, a queued run is offered again after this many seconds. */
  MIGRATION_RETRY_DELAY_SECONDS: z.coerce.number().min(0).max(900).default(15),
  /** Worker heartbeat; each one renews the run's destination-mailbox lease (a dead holder's lease frees after two). */
  MIGRATION_HEARTBEAT_SECONDS: z.coerce.number().min(0.1).max(300).default(15),
  /** Watchdog: a run running longer than this many hours is stopped and fails as timed out. */
  MIGRATION_MAX_RUN_HOURS: z.coerce.number().min(0.1).max(168).default(12),
  /** Watchdog: a running run whose worker sent no heartbeat for this many minutes is stopped and fails as timed out. */
  MIGRATION_HEARTBEAT_TIMEOUT_MINUTES: z.coerce.number().min(1).max(1440).default(10),
  /** Campaign form: submissions per client IP per 15 minutes (page views may be 4 times as many). */
  CAMPAIGN_PER_IP_PER_15_MIN: z.coerce.number().int().min(1).max(100_000).default(30),
  /** Campaign form: submissions per link per hour. */
  CAMPAIGN_PER_TOKEN_PER_HOUR: z.coerce.number().int().min(1).max(100_000).default(200),
  /** Campaign form: wrong passwords per submitted address per hour; then refused without contacting the server. */
  CAMPAIGN_FAILURES_PER_ADDRESS_PER_HOUR: z.coerce.number().int().min(1).max(100).default(5),
};

export const LocalConfig = z.object({
  ...Common,
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  DATA_DIR: z.string().min(1).default('.data'),
  TABLE_NAME: z.string().min(3).default('purelymanage'),
  /** When unset, the built-in PurelyMail sandbox is started and used. */
  PURELYMAIL_API_TOKEN: z.string().min(1).optional(),
  SANDBOX_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  /** Extra origins allowed to send state-changing requests (e.g. the Vite dev server). */
  EXTRA_ORIGINS: csv.default([]),
  /** DNS servers for our own lookups, e.g. "127.0.0.1:5353"; empty means the sandbox's DNS (or the system's). */
  DNS_SERVERS: csv.default([]),
  /** Also send notification emails over SMTP, e.g. smtp://user:pass@host:587 (they always land in DATA_DIR/outbox/ too). */
  SMTP_URL: z.string().min(1).optional(),
  /** In-process background timers: DNS tier runs every this many minutes (0 turns the DNS and outbox timers off). */
  DNS_TIER_INTERVAL_MINUTES: z.coerce.number().int().min(0).max(24 * 60).default(10),
  WEB_BUILD_DIR: z.string().default('web/build'),
  BUILD_WEB: bool.default(true),
  /** The imapsync executable the local worker runs. */
  IMAPSYNC_COMMAND: z.string().min(1).default('imapsync'),
  /** Let IMAP servers live on private/loopback addresses and any port (a lab with dovecot on loopback). */
  ALLOW_PRIVATE_IMAP_HOSTS: bool.default(true),
  /** AES-256-GCM master key for sealed credentials, created 0600 on first use; default DATA_DIR/master.key. */
  MASTER_KEY_FILE: z.string().min(1).optional(),
  /** The worker entry point the local task runner starts with `node --import tsx`. */
  MIGRATOR_ENTRY: z.string().min(1).default('migrator-container/src/main.ts'),
});
export type LocalConfig = z.infer<typeof LocalConfig>;

export const AwsConfig = z.object({
  ...Common,
  TABLE_NAME: z.string().min(3),
  APP_ORIGIN: z.url(),
  /**
   * The app secret, JSON `{ "purelymailToken": "…", "originVerify": "…" }`: the PurelyMail API token (set by ops) and
   * the value CloudFront sends as `x-origin-verify` (requests without it did not come through CloudFront).
   */
  APP_SECRET_ARN: z.string().min(1),
  /** SES v2 configuration set for notification emails (bounce and complaint tracking), optional. */
  SES_CONFIGURATION_SET: z.string().min(1).optional(),
  /** EventBridge Scheduler for pending actions: the group, the "scheduled" Lambda it invokes, the role it assumes, its DLQ. */
  SCHEDULER_GROUP_NAME: z.string().min(1).optional(),
  SCHEDULED_FUNCTION_ARN: z.string().min(1).optional(),
  SCHEDULER_ROLE_ARN: z.string().min(1).optional(),
  SCHEDULER_DLQ_ARN: z.string().min(1).optional(),
  /** Migrations: KMS key sealing credentials (the API may only GenerateDataKey), the SQS queue of run ids. */
  MIGRATION_KMS_KEY_ID: z.string().min(1).optional(),
  MIGRATION_QUEUE_URL: z.string().min(1).optional(),
  /** The migrator tasks' CloudWatch Logs group and awslogs stream prefix (`<prefix>/<container>`): full run logs. */
  MIGRATOR_LOG_GROUP_NAME: z.string().min(1).optional(),
  MIGRATOR_LOG_STREAM_PREFIX: z.string().min(1).default('run/migrator'),
  /** Refused on AWS: the worker refuses it in its containers too, so the API must never accept a host it can't use. */
  ALLOW_PRIVATE_IMAP_HOSTS: bool.default(false).refine((v) => !v, 'must be false on AWS (private and loopback IMAP hosts are only for local runs)'),
  DNS_SERVERS: csv.default([]),
});
export type AwsConfig = z.infer<typeof AwsConfig>;

/**
 * Parses the environment once, failing fast with every bad variable named.
 * @example const config = parseConfig(LocalConfig, process.env);
 */
export function parseConfig<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): z.infer<S> {
  // Empty strings mean "unset", as in most .env tooling.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
}
