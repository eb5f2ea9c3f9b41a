// zod's mini build: the same validation, but a schema does not get dozens of methods attached when it is built.
// The api builds and runs this schema at every cold start; moving it from the classic API to mini took ~15 ms
// off the cold import (npm run bench:api).
import * as z from 'zod/mini';
import type { ZodType } from 'zod';

/** Thrown at start-up when an environment variable is missing or malformed; names the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * One environment variable: its zod schema, built only when the variable is set, and what "unset" means
 * (required, or a default value). A cold start then builds and runs zod for the dozen variables a function
 * is given, not for all ~35 with their defaults: reading the config was ~5 ms of every api cold start, and
 * this took ~2.5 ms off it (npm run bench:api).
 */
export class EnvVar<T> {
  constructor(
    readonly schema: () => z.core.$ZodType<T>,
    readonly unset: { required: true } | { required: false; value: T },
  ) {}
}
/** The variables a runtime reads; `parseConfig` turns them into a typed config. */
export class EnvSpec<V extends Record<string, EnvVar<unknown>>> {
  constructor(readonly vars: V) {}
}
export type ConfigOf<S> = S extends EnvSpec<infer V> ? { [K in keyof V]: V[K] extends EnvVar<infer T> ? T : never } : never;

const required = <T>(schema: () => z.core.$ZodType<T>) => new EnvVar<T>(schema, { required: true });
const optional = <T>(schema: () => z.core.$ZodType<T>) => new EnvVar<T | undefined>(schema, { required: false, value: undefined });
const withDefault = <T>(schema: () => z.core.$ZodType<T>, value: T) => new EnvVar<T>(schema, { required: false, value });

const BOOL_WORDS = ['true', 'false', '1', '0', 'yes', 'no'] as const;
const bool = () =>
  z.pipe(
    z.enum(BOOL_WORDS),
    z.transform<(typeof BOOL_WORDS)[number], boolean>((v) => v === 'true' || v === '1' || v === 'yes'),
  );
const csv = () =>
  z.pipe(
    z.string(),
    z.transform<string, string[]>((s) => s.split(',').map((x) => x.trim()).filter(Boolean)),
  );
const whole = () => z.refine<number>((n) => Number.isInteger(n), 'must be a whole number');
/** Comma-separated TCP ports, e.g. "1143,2993". */
const ports = () =>
  z.pipe(
    csv(),
    z.array(z.pipe(z.string().check(z.regex(/^\d{1,5}$/, 'must list port numbers')), z.pipe(z.transform<string, number>(Number), z.number().check(z.minimum(1, 'must be a port (1-65535)'), z.maximum(65535, 'must be a port (1-65535)'))))),
  );
/** A whole number in [min, max]; `fallback` when unset. */
const int = (min: number, max: number, fallback: number) => withDefault(() => z.coerce.number().check(whole(), z.minimum(min), z.maximum(max)), fallback);
/** A number in [min, max]; `fallback` when unset. */
const num = (min: number, max: number, fallback: number) => withDefault(() => z.coerce.number().check(z.minimum(min), z.maximum(max)), fallback);
/** A string of at least `min` characters. */
const text = (min: number) => () => z.string().check(z.minLength(min));

/** The variable kinds, for the other functions' specs (DispatchConfig). */
export const envVar = { required, optional, withDefault, bool, csv, int, num, text, ports };

/** Settings every runtime shares (sessions, throttling, PurelyMail client). */
const common = () => ({
  SESSION_IDLE_MINUTES: int(1, 24 * 60, 30),
  SESSION_ABSOLUTE_HOURS: int(1, 24 * 30, 12),
  LOGIN_ACCOUNT_FAILURES_BEFORE_BACKOFF: int(1, 100, 5),
  LOGIN_IP_FAILURES_PER_WINDOW: int(1, 10_000, 30),
  LOGIN_IP_WINDOW_MINUTES: int(1, 24 * 60, 15),
  PURELYMAIL_BASE_URL: withDefault(() => z.url(), 'https://purelymail.com'),
  PURELYMAIL_TIMEOUT_MS: int(100, 60_000, 10_000),
  PURELYMAIL_OWNERSHIP_TOKEN: optional(() => z.string()),
  /** scrypt cost as log2(N); 17 is OWASP's recommendation. Lower only for tests. */
  PASSWORD_SCRYPT_LOG_N: int(10, 20, 17),
  LOG_LEVEL: withDefault(() => z.enum(['debug', 'info', 'warn', 'error', 'silent']), 'info'),
  /** Sender of notification emails (a verified SES identity on AWS); admins can override it in Settings. */
  MAIL_FROM: withDefault(text(3), 'purelymanage@localhost'),
  /** At most this many PurelyMail DNS rechecks per tier run (each costs one call, plus one listDomains per run). */
  DNS_TIER_BATCH: int(1, 100, 10),
  /** Migrations: the concurrency limit's default until an admin saves one (the setting lives in the store). */
  MIGRATION_CONCURRENCY: int(1, 50, 4),
  /** Runs in one retry chain, counting the first: interruptions are retried automatically up to this. */
  MIGRATION_MAX_ATTEMPTS: int(1, 10, 3),
  /** When every slot is busy, a queued run is offered again after this many seconds. */
  MIGRATION_RETRY_DELAY_SECONDS: num(0, 900, 15),
  /** Worker heartbeat; each one renews the run's destination-mailbox lease (a dead holder's lease frees after two). */
  MIGRATION_HEARTBEAT_SECONDS: num(0.1, 300, 15),
  /**
   * IMAP ports server profiles may use besides 143 and 993 (when private hosts are not allowed): on AWS the tasks'
   * security group opens exactly these (CDK context extraImapPorts), so the server form refuses any other.
   */
  MIGRATION_EXTRA_IMAP_PORTS: withDefault(ports, []),
  /** Watchdog: a run running longer than this many hours is stopped and fails as timed out. */
  MIGRATION_MAX_RUN_HOURS: num(0.1, 168, 12),
  /** Watchdog: a running run whose worker sent no heartbeat for this many minutes is stopped and fails as timed out. */
  MIGRATION_HEARTBEAT_TIMEOUT_MINUTES: num(1, 1440, 10),
  /** Campaign form: submissions per client IP per 15 minutes (page views may be 4 times as many). */
  CAMPAIGN_PER_IP_PER_15_MIN: int(1, 100_000, 30),
  /** Campaign form: submissions per link per hour. */
  CAMPAIGN_PER_TOKEN_PER_HOUR: int(1, 100_000, 200),
  /** Audit entries (and the counts of refused public requests) are kept this many days, then removed by TTL. */
  AUDIT_RETENTION_DAYS: int(30, 3650, 400),
  /** Campaign form: wrong passwords per submitted address per hour; then refused without contacting the server. */
  CAMPAIGN_FAILURES_PER_ADDRESS_PER_HOUR: int(1, 100, 5),
});

export const LocalConfig = new EnvSpec({
    ...common(),
    HOST: withDefault(text(1), '127.0.0.1'),
    PORT: int(0, 65535, 8787),
    DATA_DIR: withDefault(text(1), '.data'),
    TABLE_NAME: withDefault(text(3), 'purelymanage'),
    /** When unset, the built-in PurelyMail sandbox is started and used. */
    PURELYMAIL_API_TOKEN: optional(text(1)),
    SANDBOX_PORT: int(0, 65535, 0),
    /** Extra origins allowed to send state-changing requests (e.g. the Vite dev server). */
    EXTRA_ORIGINS: withDefault(csv, []),
    /** DNS servers for our own lookups, e.g. "127.0.0.1:5353"; empty means the sandbox's DNS (or the system's). */
    DNS_SERVERS: withDefault(csv, []),
    /** Also send notification emails over SMTP, e.g. smtp://user:pass@host:587 (they always land in DATA_DIR/outbox/ too). */
    SMTP_URL: optional(text(1)),
    /** In-process background timers: DNS tier runs every this many minutes (0 turns the DNS and outbox timers off). */
    DNS_TIER_INTERVAL_MINUTES: int(0, 24 * 60, 10),
    WEB_BUILD_DIR: withDefault(() => z.string(), 'web/build'),
    BUILD_WEB: withDefault(bool, true),
    /** The imapsync executable the local worker runs. */
    IMAPSYNC_COMMAND: withDefault(text(1), 'imapsync'),
    /** Let IMAP servers live on private/loopback addresses and any port (a lab with dovecot on loopback). */
    ALLOW_PRIVATE_IMAP_HOSTS: withDefault(bool, true),
    /** AES-256-GCM master key for sealed credentials, created 0600 on first use; default DATA_DIR/master.key. */
    MASTER_KEY_FILE: optional(text(1)),
    /**
     * The worker the local task runner starts: the built bundle by default (built when missing or stale), as the
     * container runs it; a `.ts` entry is started with `node --import tsx` (slower, for debugging the worker).
     */
    MIGRATOR_ENTRY: withDefault(text(1), 'migrator-container/dist/main.mjs'),
});

export type LocalConfig = ConfigOf<typeof LocalConfig>;

export const AwsConfig = new EnvSpec({
    ...common(),
    TABLE_NAME: required(text(3)),
    APP_ORIGIN: required(() => z.url()),
    /**
     * The app secret, JSON `{ "purelymailToken": "…", "originVerify": "…" }`: the PurelyMail API token (set by ops) and
     * the value CloudFront sends as `x-origin-verify` (requests without it did not come through CloudFront).
     */
    APP_SECRET_ARN: required(text(1)),
    /** SES v2 configuration set for notification emails (bounce and complaint tracking), optional. */
    SES_CONFIGURATION_SET: optional(text(1)),
    /**
     * The SES identities (addresses, domains) the deployment is granted to send from: the sender set in Settings must
     * be one of them or at one of them. Unset: any sender is accepted.
     */
    MAIL_FROM_IDENTITIES: optional(csv),
    /** EventBridge Scheduler for pending actions: the group, the "scheduled" Lambda it invokes, the role it assumes, its DLQ. */
    SCHEDULER_GROUP_NAME: optional(text(1)),
    SCHEDULED_FUNCTION_ARN: optional(text(1)),
    SCHEDULER_ROLE_ARN: optional(text(1)),
    SCHEDULER_DLQ_ARN: optional(text(1)),
    /** Migrations: KMS key sealing credentials (the API may only GenerateDataKey), the SQS queue of run ids. */
    MIGRATION_KMS_KEY_ID: optional(text(1)),
    MIGRATION_QUEUE_URL: optional(text(1)),
    /** The migrator tasks' CloudWatch Logs group and awslogs stream prefix (`<prefix>/<container>`): full run logs. */
    MIGRATOR_LOG_GROUP_NAME: optional(text(1)),
    MIGRATOR_LOG_STREAM_PREFIX: withDefault(text(1), 'run/migrator'),
    /** Refused on AWS: the worker refuses it in its containers too, so the API must never accept a host it can't use. */
    ALLOW_PRIVATE_IMAP_HOSTS: withDefault(() => bool().check(z.refine((v) => !v, 'must be false on AWS (private and loopback IMAP hosts are only for local runs)')), false),
    DNS_SERVERS: withDefault(csv, []),
});

export type AwsConfig = ConfigOf<typeof AwsConfig>;

/**
 * Parses the environment once, failing fast with every bad variable named (never its value). Takes the
 * runtimes' EnvSpecs, or a zod object schema (the dispatch Lambda, the migrator worker).
 * @example const config = parseConfig(LocalConfig, process.env);
 */
export function parseConfig<S extends EnvSpec<Record<string, EnvVar<unknown>>>>(spec: S, env: Record<string, string | undefined>): ConfigOf<S>;
export function parseConfig<S extends z.ZodMiniType | ZodType>(schema: S, env: Record<string, string | undefined>): z.infer<S>;
export function parseConfig(spec: EnvSpec<Record<string, EnvVar<unknown>>> | z.ZodMiniType | ZodType, env: Record<string, string | undefined>): unknown {
  // Empty strings mean "unset", as in most .env tooling.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const problems: string[] = [];
  const describe = (issues: readonly z.core.$ZodIssue[], name?: string) =>
    problems.push(...issues.map((i) => `${[name, ...i.path].filter((p) => p !== undefined).join('.') || '(root)'}: ${i.message}`));
  let config: unknown;
  if (spec instanceof EnvSpec) {
    const out: Record<string, unknown> = {};
    for (const [name, variable] of Object.entries(spec.vars)) {
      const raw = cleaned[name];
      if (raw === undefined) {
        if (variable.unset.required) problems.push(`${name}: is required`);
        else out[name] = Array.isArray(variable.unset.value) ? [...(variable.unset.value as unknown[])] : variable.unset.value;
        continue;
      }
      const result = z.safeParse(variable.schema(), raw);
      if (result.success) out[name] = result.data;
      else describe(result.error.issues, name);
    }
    config = out;
  } else {
    const result = z.safeParse(spec, cleaned);
    if (result.success) config = result.data;
    else describe(result.error.issues);
  }
  if (problems.length) throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  return config;
}
