import * as z from 'zod';
import { int, logLevel, num, ports, text } from './env-vars.ts';

/** Settings the api, the scheduled function and the local runtime share (sessions, throttling, PurelyMail client). */
export const commonVars = {
  SESSION_IDLE_MINUTES: int(1, 24 * 60, 30),
  SESSION_ABSOLUTE_HOURS: int(1, 24 * 30, 12),
  LOGIN_ACCOUNT_FAILURES_BEFORE_BACKOFF: int(1, 100, 5),
  LOGIN_IP_FAILURES_PER_WINDOW: int(1, 10_000, 30),
  LOGIN_IP_WINDOW_MINUTES: int(1, 24 * 60, 15),
  PURELYMAIL_BASE_URL: z.url().default('https://purelymail.com'),
  PURELYMAIL_TIMEOUT_MS: int(100, 60_000, 10_000),
  PURELYMAIL_OWNERSHIP_TOKEN: z.string().optional(),
  /** scrypt cost as log2(N); 17 is OWASP's recommendation. Lower only for tests. */
  PASSWORD_SCRYPT_LOG_N: int(10, 20, 17),
  LOG_LEVEL: logLevel(),
  /** Sender of notification emails (a verified SES identity on AWS); admins can override it in Settings. */
  MAIL_FROM: text(3).default('purelymanage@localhost'),
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
  MIGRATION_EXTRA_IMAP_PORTS: ports().default([]),
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
  /**
   * The hourly sweep deletes an app password the panel made for a migration job once the job has been idle and the
   * app password has existed this many days (a later run of the job makes a new one). Default a week: long enough
   * for a delta run after the cut-over, short enough that no forgotten login stays open for long.
   */
  MIGRATION_APP_PASSWORD_MAX_AGE_DAYS: int(1, 365, 7),
  /** A user import's one-time hand-over link shows the user's password once, until it is opened or this many hours pass. */
  USER_HANDOVER_LINK_HOURS: int(1, 720, 72),
  /** Hand-over links: opens (every attempt, right or wrong) per client IP per 15 minutes. */
  USER_HANDOVER_OPENS_PER_IP_PER_15_MIN: int(1, 10_000, 30),
};

/** The settings commonVars describe, parsed. */
export type CommonConfig = z.output<z.ZodObject<typeof commonVars>>;
