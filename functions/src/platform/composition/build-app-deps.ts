import type { Health, MailDelivery, PublicHealth } from '@app/shared';
import { createDynamoAdminStore } from '../../adapters/dynamodb/dynamodb-admin-store.ts';
import { createDynamoMfaChallengeStore } from '../../adapters/dynamodb/dynamodb-mfa-challenge-store.ts';
import { createDynamoAuditStore } from '../../adapters/dynamodb/dynamodb-audit-store.ts';
import { createDynamoCacheStore } from '../../adapters/dynamodb/dynamodb-cache-store.ts';
import { createDynamoSessionStore } from '../../adapters/dynamodb/dynamodb-session-store.ts';
import { createDynamoSettingsStore } from '../../adapters/dynamodb/dynamodb-settings-store.ts';
import { createDynamoSetupTokenStore } from '../../adapters/dynamodb/dynamodb-setup-token-store.ts';
import { createDynamoThrottleStore } from '../../adapters/dynamodb/dynamodb-throttle-store.ts';
import type { Table } from '../../adapters/dynamodb/table.ts';
import type { AppDeps } from '../../http/app-deps.ts';
import { makeAudit } from '../../modules/audit/audit.ts';
import { makeAuth } from '../../modules/auth/auth.ts';
import { makeMfaSecretBox } from '../../modules/auth/mfa-secret-box.ts';
import { createScryptPasswordHasher } from '../../modules/auth/scrypt-password-hasher.ts';
import type { SecretOpener, SecretSealer } from '../../modules/secrets/ports.ts';
import { makeRefreshCache } from '../../modules/cache/refresh-cache.ts';
import { makeGetDashboard, NO_MIGRATIONS, summarizeJobs } from '../../modules/dashboard/get-dashboard.ts';
import { makeRouting } from '../../modules/routing/routing.ts';
import type { DnsLookup } from '../../modules/dns/ports.ts';
import type { PurelyMail } from '../../modules/purelymail/ports.ts';
import { PurelyMailNotConfiguredError } from '../../modules/purelymail/errors.ts';
import { makeSettings } from '../../modules/settings/settings.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../logger.ts';
import { createDynamoPendingActionStore } from '../../adapters/dynamodb/dynamodb-pending-action-store.ts';
import { createLocalScheduler } from '../../adapters/local-scheduler/local-scheduler.ts';
import { makePendingActions } from '../../modules/pending-actions/pending-actions.ts';
import type { Scheduler } from '../../modules/pending-actions/ports.ts';
import { makeUsers } from '../../modules/users/users.ts';
import { createDynamoCreditAlertStore } from '../../adapters/dynamodb/dynamodb-notification-credit-alert-store.ts';
import { makeCheckCredit } from '../../modules/notifications/check-credit.ts';
import type { Mailer } from '../../modules/notifications/ports.ts';
import { buildNotifier } from './build-notifier.ts';
import type { CampaignConfig } from './build-campaigns.ts';
import type { DnsFeature, DnsFeatureCore } from './build-dns-feature.ts';
import type { MigrationFeature, MigrationFeatureCore } from './build-migration-feature.ts';
import { provideFeature, type FeatureSource } from './feature-source.ts';

export interface RuntimeConfig extends Partial<CampaignConfig> {
  SESSION_IDLE_MINUTES: number;
  SESSION_ABSOLUTE_HOURS: number;
  LOGIN_ACCOUNT_FAILURES_BEFORE_BACKOFF: number;
  LOGIN_IP_FAILURES_PER_WINDOW: number;
  LOGIN_IP_WINDOW_MINUTES: number;
  PASSWORD_SCRYPT_LOG_N: number;
  AUDIT_RETENTION_DAYS?: number;
}

// PurelyMail has no health endpoint; a cheap read tells whether it answers. Cached so health checks
// (load balancers, uptime monitors) never turn into a stream of API calls.
const PURELYMAIL_HEALTH_TTL_MS = 30_000;

/**
 * The wiring both runtimes share: every store is DynamoDB (dynalite locally), so only the table, the
 * PurelyMail client and the edge details (origins, client IP) differ between the AWS and the local root.
 */
export function buildAppDeps(opts: {
  table: Table;
  purelymail: PurelyMail;
  config: RuntimeConfig;
  clock: Clock;
  logger: Logger;
  sandbox: boolean;
  allowedOrigins: readonly string[];
  clientIp: AppDeps['clientIp'];
  /** Our own DNS lookups (configurable servers; the sandbox's DNS server locally). */
  dnsLookup: DnsLookup;
  /** Used when getOwnershipCode fails (PURELYMAIL_OWNERSHIP_TOKEN). */
  ownershipCodeFallback?: string;
  /** Fires pending actions when due; default: the in-process timer (the local runtime starts it). */
  scheduler?: Scheduler;
  /** Seals admins' TOTP secrets at rest and opens them for a code check: KMS on AWS, the master key locally. */
  mfaSecretBox: SecretSealer & SecretOpener;
  /** Notification email: SES on AWS, the outbox (and SMTP) locally. */
  mailer: Mailer;
  /** The panel's own URL, for links in emails. */
  panelUrl: string;
  /** MAIL_FROM: the sender unless Settings override it. */
  mailFrom: string;
  /** How `mailer` delivers (shown in Settings → Notifications); default SES. */
  mailDelivery?: MailDelivery;
  /** SES identities the deployment may send from (MAIL_FROM_IDENTITIES); unset: any sender. */
  senderIdentities?: readonly string[];
  /** DNS_TIER_BATCH: PurelyMail rechecks per tier run at most. */
  dnsTierBatch: number;
  /**
   * Domains and DNS health (build-dns-feature.ts) and IMAP migration (build-migration-feature.ts, built around
   * each root's own queue, sealer and log store): built now, or loaded on first use (feature-source.ts).
   */
  dnsFeature: FeatureSource<DnsFeatureCore, DnsFeature>;
  migrationFeature: FeatureSource<MigrationFeatureCore, MigrationFeature>;
}) {
  const { table, config, clock } = opts;
  const admins = createDynamoAdminStore(table);
  const sessions = createDynamoSessionStore(table);
  const auth = makeAuth({
    admins,
    sessions,
    throttles: createDynamoThrottleStore(table),
    setupTokens: createDynamoSetupTokenStore(table),
    mfaChallenges: createDynamoMfaChallengeStore(table),
    mfaSecrets: makeMfaSecretBox(opts.mfaSecretBox),
    hasher: createScryptPasswordHasher(config.PASSWORD_SCRYPT_LOG_N),
    clock,
    sessionPolicy: { idleMinutes: config.SESSION_IDLE_MINUTES, absoluteHours: config.SESSION_ABSOLUTE_HOURS },
    throttlePolicy: {
      accountFailuresBeforeBackoff: config.LOGIN_ACCOUNT_FAILURES_BEFORE_BACKOFF,
      ipFailuresPerWindow: config.LOGIN_IP_FAILURES_PER_WINDOW,
      ipWindowMinutes: config.LOGIN_IP_WINDOW_MINUTES,
    },
  });
  const audit = makeAudit({ store: createDynamoAuditStore(table), clock, retentionDays: config.AUDIT_RETENTION_DAYS });
  const settingsStore = createDynamoSettingsStore(table);
  const settings = makeSettings({ store: settingsStore });
  const cache = createDynamoCacheStore(table);
  const refreshCache = makeRefreshCache({ purelymail: opts.purelymail, cache, clock, audit });
  const { notify, mailSettings } = buildNotifier({ table, mailer: opts.mailer, clock, logger: opts.logger, panelUrl: opts.panelUrl, mailFrom: opts.mailFrom, mailDelivery: opts.mailDelivery, senderIdentities: opts.senderIdentities });
  // Armed only when the local runtime starts it; the AWS root passes its own scheduler.
  const localScheduler = createLocalScheduler({ clock, onError: (id, err) => opts.logger.error('pending action failed to run', { id, error: (err as Error).message }) });
  const pendingActions = makePendingActions({
    store: createDynamoPendingActionStore(table),
    scheduler: opts.scheduler ?? localScheduler,
    purelymail: opts.purelymail,
    cache,
    audit,
    delayHours: async () => (await settings.get()).deletionDelayHours,
    notify,
    // Built after the pending queue (domains use it): reached through `dns`, which is set by then.
    dnsHealth: { untrack: (domain) => dns.dnsHealth.untrack(domain) },
    clock,
    logger: opts.logger,
  });
  const dns: DnsFeature = provideFeature(
    opts.dnsFeature,
    { table, purelymail: opts.purelymail, cache, dnsLookup: opts.dnsLookup, notify, audit, pendingActions, clock, logger: opts.logger, dnsTierBatch: opts.dnsTierBatch, ownershipCodeFallback: opts.ownershipCodeFallback },
    { dnsHealth: true, domains: true },
  );
  const users = makeUsers({ purelymail: opts.purelymail, cache, refreshCache, pendingActions });
  const getDashboard = makeGetDashboard({
    cache,
    settings,
    sandbox: opts.sandbox,
    countPending: pendingActions.countPending,
    // `deps` is complete by the time a dashboard is requested. A migrations read failure must not cost the
    // whole dashboard.
    summarizeMigrations: () => deps.migrations.jobs.list().then(summarizeJobs, () => NO_MIGRATIONS),
  });
  const checkCredit = makeCheckCredit({ alerts: createDynamoCreditAlertStore(table), settings, notify, clock });

  let pmHealth: { at: number; value: string; state: PublicHealth['purelymail'] } | undefined;
  /**
   * The detail (error names and messages: a missing token's message names the secret and the command that sets it)
   * is for the log and signed-in admins; anyone else gets one word per dependency.
   */
  const health = async (): Promise<{ public: PublicHealth; detail: Health }> => {
    const store = await settingsStore.get().then(
      () => 'ok',
      (err: unknown) => `unreachable: ${(err as Error).name}`,
    );
    const now = clock.now().getTime();
    if (!pmHealth || now - pmHealth.at > PURELYMAIL_HEALTH_TTL_MS || pmHealth.state !== 'ok') {
      pmHealth = await opts.purelymail.getOwnershipCode().then(
        () => ({ at: now, value: 'ok', state: 'ok' as const }),
        (err: unknown) => ({
          at: now,
          value: `${err instanceof PurelyMailNotConfiguredError ? 'not configured' : 'unreachable'}: ${(err as Error).message}`,
          state: err instanceof PurelyMailNotConfiguredError ? ('not configured' as const) : ('unreachable' as const),
        }),
      );
    }
    const ok = store === 'ok' && pmHealth.state === 'ok';
    const mode = opts.sandbox ? 'sandbox' : 'live';
    return {
      public: { ok, store: store === 'ok' ? 'ok' : 'unreachable', purelymail: pmHealth.state, mode },
      detail: { ok, store, purelymail: pmHealth.value, mode },
    };
  };

  const deps: AppDeps = {
    auth,
    audit,
    settings,
    getDashboard,
    refreshCache,
    health,
    logger: opts.logger,
    allowedOrigins: opts.allowedOrigins,
    clientIp: opts.clientIp,
    sessionCookieMaxAgeSeconds: config.SESSION_ABSOLUTE_HOURS * 3600,
    sessionIdleMinutes: config.SESSION_IDLE_MINUTES,
    sandbox: opts.sandbox,
    domains: dns.domains,
    routing: makeRouting({ purelymail: opts.purelymail, cache, clock, pendingActions }),
    users,
    pendingActions,
    notify,
    mailSettings,
    dnsHealth: dns.dnsHealth,
    ...provideFeature(
      opts.migrationFeature,
      { table, config, clock, logger: opts.logger, notify, mailSettings, users, cache, refreshCache, audit, panelUrl: opts.panelUrl },
      { migrations: true, batches: true, bulkImport: true, campaigns: true },
    ),
  };
  // What the scheduled entry point (AWS) and the local timers run.
  const background = { pendingActions, runDnsTier: dns.dnsHealth.runTier, refreshCache, checkCredit, retryOutbox: notify.retryOutbox, purgeCampaigns: deps.campaigns.purge };
  return { deps, stores: { admins, sessions, cache, settings: settingsStore }, purelymail: opts.purelymail, dnsLookup: opts.dnsLookup, localScheduler, background };
}
