import { isDomainMoveOver, isTerminalRunState, type MailDelivery } from '@app/shared';
import { createDynamoAdminStore } from '../../adapters/dynamodb/dynamodb-admin-store.ts';
import { createDynamoAuditStore } from '../../adapters/dynamodb/dynamodb-audit-store.ts';
import { createDynamoBatchJobReader } from '../../adapters/dynamodb/dynamodb-batch-job-reader.ts';
import { createDynamoBatchJobWriter } from '../../adapters/dynamodb/dynamodb-batch-job-writer.ts';
import { createDynamoBatchStore } from '../../adapters/dynamodb/dynamodb-batch-store.ts';
import { createDynamoCacheStore } from '../../adapters/dynamodb/dynamodb-cache-store.ts';
import { createDynamoCampaignChallengeStore } from '../../adapters/dynamodb/dynamodb-campaign-challenge-store.ts';
import { createDynamoCampaignStore } from '../../adapters/dynamodb/dynamodb-campaign-store.ts';
import { createDynamoCampaignSubmissionStore } from '../../adapters/dynamodb/dynamodb-campaign-submission-store.ts';
import { createDynamoCreditHistoryStore, createDynamoForecastAlertStore } from '../../adapters/dynamodb/dynamodb-credit-history-store.ts';
import { createDynamoDnsHealthStore } from '../../adapters/dynamodb/dynamodb-dns-health-store.ts';
import { createDynamoMfaChallengeStore } from '../../adapters/dynamodb/dynamodb-mfa-challenge-store.ts';
import { createDynamoCreditAlertStore } from '../../adapters/dynamodb/dynamodb-notification-credit-alert-store.ts';
import { createDynamoPendingActionStore } from '../../adapters/dynamodb/dynamodb-pending-action-store.ts';
import { createDynamoRuleUndoStore } from '../../adapters/dynamodb/dynamodb-routing-undo-store.ts';
import { createDynamoSessionStore } from '../../adapters/dynamodb/dynamodb-session-store.ts';
import { createDynamoSettingsStore } from '../../adapters/dynamodb/dynamodb-settings-store.ts';
import { createDynamoSetupTokenStore } from '../../adapters/dynamodb/dynamodb-setup-token-store.ts';
import { createDynamoThrottleStore } from '../../adapters/dynamodb/dynamodb-throttle-store.ts';
import type { Table } from '../../adapters/dynamodb/table.ts';
import { createImapLoginTester } from '../../adapters/imap/imap-login-tester.ts';
import { resolveImapTarget, type ImapTargetPolicy } from '../../adapters/imap/ssrf-guard.ts';
import { createDynamoAppPasswordStore } from '../../adapters/dynamodb/dynamodb-app-password-store.ts';
import { makeAppPasswords } from '../../modules/app-passwords/app-passwords.ts';
import { makeAudit } from '../../modules/audit/audit.ts';
import { makeAuth } from '../../modules/auth/auth.ts';
import { makeMfaSecretBox } from '../../modules/auth/mfa-secret-box.ts';
import { createScryptPasswordHasher } from '../../modules/auth/scrypt-password-hasher.ts';
import { makeBatches } from '../../modules/batches/batches.ts';
import { makeBulkImport } from '../../modules/bulk-import/bulk-import.ts';
import { makeRefreshCache } from '../../modules/cache/refresh-cache.ts';
import { makeCreditForecast } from '../../modules/credit-forecast/credit-forecast.ts';
import { makeCampaigns } from '../../modules/campaigns/campaigns.ts';
import { DEFAULT_CAMPAIGN_LIMITS } from '../../modules/campaigns/ports.ts';
import { throttleRateCounter } from '../../modules/campaigns/rate-limits.ts';
import { makeSealedBatchCreator } from '../../modules/campaigns/sealed-batch-creator.ts';
import { makeGetDashboard, NO_MIGRATIONS, summarizeJobs } from '../../modules/dashboard/get-dashboard.ts';
import { DEFAULT_DNS_HEALTH_POLICY } from '../../modules/dns-health/dns-health-policy.ts';
import { makeDnsHealth } from '../../modules/dns-health/dns-health.ts';
import type { DnsLookup } from '../../modules/dns/ports.ts';
import { makeDnsCutover } from '../../modules/dns-cutover/dns-cutover.ts';
import type { DnsProvider, MxResolver } from '../../modules/dns-cutover/ports.ts';
import { makePurelymailMxVerdict } from '../../modules/dns-cutover/purelymail-mx-verdict.ts';
import { makeDomains } from '../../modules/domains/domains.ts';
import { makeCheckHealth } from '../../modules/health/check-health.ts';
import { makeCancelRun } from '../../modules/migrations/cancel-run.ts';
import { newId } from '../../modules/migrations/ids.ts';
import { makeManageJobs } from '../../modules/migrations/manage-jobs.ts';
import { makeManageServers } from '../../modules/migrations/manage-servers.ts';
import { makeRunReads, type MigrationsApi } from '../../modules/migrations/migrations-api.ts';
import type { ImapTargetGuard, JobQueue, RunLogReader, RunRecord, TaskRunner } from '../../modules/migrations/ports.ts';
import { makeTestLogin } from '../../modules/migrations/test-login.ts';
import { makeCheckCredit } from '../../modules/notifications/check-credit.ts';
import type { Mailer } from '../../modules/notifications/ports.ts';
import { makePendingActions } from '../../modules/pending-actions/pending-actions.ts';
import type { Scheduler } from '../../modules/pending-actions/ports.ts';
import type { PurelyMail } from '../../modules/purelymail/ports.ts';
import { makeRouting } from '../../modules/routing/routing.ts';
import type { SecretOpener, SecretSealer } from '../../modules/secrets/ports.ts';
import { makeSettings } from '../../modules/settings/settings.ts';
import { makeUsers } from '../../modules/users/users.ts';
import { userExists } from '../../modules/users/user-listing.ts';
import { generateMailboxPassword } from '../../modules/users/generate-password.ts';
import { isOpen as isCampaignOpen } from '../../modules/campaigns/views.ts';
import { makeUserHandover } from '../../modules/user-handover/user-handover.ts';
import { createDynamoHandoverStore } from '../../adapters/dynamodb/dynamodb-handover-store.ts';
import { makeArchiveCopy } from '../../modules/offboarding/archive-copy.ts';
import { makeOffboarding } from '../../modules/offboarding/offboarding.ts';
import { createDynamoOffboardingStore } from '../../adapters/dynamodb/dynamodb-offboarding-store.ts';
import { makeUserImport } from '../../modules/user-import/user-import.ts';
import { createDynamoDomainMoveStore } from '../../adapters/dynamodb/dynamodb-domain-move-store.ts';
import { makeDomainMoves } from '../../modules/domain-moves/domain-moves.ts';
import { createDynamoJobSyncStore } from '../../adapters/dynamodb/dynamodb-job-sync-store.ts';
import { makeJobSync } from '../../modules/job-sync/job-sync.ts';
import type { DnsCutover, RecurringScheduler } from '../../modules/domain-moves/ports.ts';
import type { Clock } from '../clock.ts';
import type { CommonConfig } from '../config/common-config.ts';
import { createEventBus } from '../events.ts';
import type { Logger } from '../logger.ts';
import { imapPolicy } from './imap-policy.ts';
import { cachedMailboxDirectory } from './mailbox-directory.ts';
import { buildMigrationEngine } from './migration-engine.ts';
import { buildMigrationStores } from './migration-stores.ts';
import { buildNotifications } from './notifications.ts';
import { subscribe, type AppEvents } from './subscriptions.ts';

/** The settings the capabilities read: what LocalConfig and AwsConfig have in common. */
export type CapabilityConfig = CommonConfig & { ALLOW_PRIVATE_IMAP_HOSTS: boolean };

/**
 * What a runtime supplies: one adapter per port, and the few facts about where it runs. The AWS api, the AWS
 * scheduled function and the local runtime differ only here (aws.ts, local.ts); the dispatch Lambda and the
 * worker build the run engine and the worker's half alone (aws-dispatch.ts, worker.ts).
 */
export interface Adapters {
  table: Table;
  purelymail: PurelyMail;
  /** Our own DNS lookups (configurable servers; the sandbox's DNS server locally). */
  dnsLookup: DnsLookup;
  /**
   * Where a domain move may publish records itself: Route 53 for the zones ops named (AWS), the sandbox's DNS
   * (local, sandbox mode). Absent or null: nowhere (the admin publishes the zone fragment).
   */
  dnsProvider?: DnsProvider | null;
  /** The resolvers a domain move asks (old MX and TTL, the resolution watch): public ones on AWS, the loopback DNS server locally. */
  dnsResolvers?: readonly MxResolver[];
  /** Fires pending actions when due: EventBridge Scheduler on AWS, in-process timers locally. */
  scheduler: Scheduler;
  /** Recurring schedules (one per domain move): EventBridge Scheduler on AWS, the Clock-driven local scheduler locally. */
  recurringScheduler: RecurringScheduler;
  /**
   * The DNS cutover (records to publish, provider apply/rollback, resolution watch, old MX): absent in a build
   * without it, where a domain move's DNS steps answer 503 and the admin publishes by hand.
   */
  dnsCutover?: DnsCutover | undefined;
  /** Seals admins' TOTP secrets at rest and opens them for a code check: KMS on AWS, the master key locally. */
  mfaSecretBox: SecretSealer & SecretOpener;
  /** Notification email: SES on AWS, the outbox (and SMTP) locally. */
  mailer: Mailer;
  /** Seals migration credentials (never opens them: only the worker does). */
  sealer: SecretSealer;
  /** Run ids to the dispatcher: SQS on AWS, an in-process queue locally. */
  queue: JobQueue;
  /**
   * Batches queue their first runs in bulk through it (local); without it they are queued one by one, and a run
   * whose id cannot be sent fails at once (AWS).
   */
  batchQueue?: JobQueue;
  /** Starts and stops workers: only the local runtime has one here (on AWS that is the dispatch Lambda's). */
  runner: TaskRunner;
  /** Full run logs: CloudWatch Logs on AWS, files locally. */
  logReader: RunLogReader;
  /** Tells a run's worker about a cancel at once (locally: SIGTERM to the child); otherwise it sees it on its heartbeat. */
  signalWorker?: (run: RunRecord) => Promise<void>;
  clock: Clock;
  logger: Logger;
}

export interface Deployment {
  config: CapabilityConfig;
  /** True when PurelyMail is the built-in sandbox: the UI shows a banner. */
  sandbox: boolean;
  /** The panel's own URL, for links in emails. */
  panelUrl: string;
  /** How `mailer` delivers (shown in Settings → Notifications); default SES. */
  mailDelivery?: MailDelivery;
  /** SES identities the deployment may send from (MAIL_FROM_IDENTITIES); unset: any sender. */
  senderIdentities?: readonly string[];
}

/** At save time only the address rule applies; a name that does not resolve yet is allowed. */
function saveTimeGuard(policy: ImapTargetPolicy): ImapTargetGuard {
  return {
    async check(host, port) {
      const r = await resolveImapTarget(host, port, policy);
      return r.ok || r.reason === 'dns' ? { ok: true } : { ok: false, message: r.message, field: r.port ? 'port' : 'host' };
    },
  };
}

/**
 * Every capability of the app, built eagerly and in order: each one after the capabilities it uses, so nothing
 * refers forward. Cross-module reactions are not wired here but declared as events and subscribed in one place
 * at the end (subscriptions.ts). Runtimes add their edge on top: the HTTP app (createApp) for the api and the
 * local server, the scheduled jobs (`background`) for the scheduled function and the local timers.
 */
export function buildCapabilities(a: Adapters, d: Deployment) {
  const { table, clock, logger } = a;
  const { config } = d;
  const events = createEventBus<AppEvents>(logger);

  // 1. Records every capability writes or reads: audit, settings, the PurelyMail cache, notifications.
  const audit = makeAudit({ store: createDynamoAuditStore(table), clock, retentionDays: config.AUDIT_RETENTION_DAYS });
  const settingsStore = createDynamoSettingsStore(table);
  const settings = makeSettings({ store: settingsStore });
  const cache = createDynamoCacheStore(table);
  const refreshCache = makeRefreshCache({ purelymail: a.purelymail, cache, clock, audit });
  const { notify, mailSettings } = buildNotifications({ table, mailer: a.mailer, clock, logger, panelUrl: d.panelUrl, mailFrom: config.MAIL_FROM, mailDelivery: d.mailDelivery, senderIdentities: d.senderIdentities });
  const checkCreditLevel = makeCheckCredit({ alerts: createDynamoCreditAlertStore(table), settings, notify, clock });
  const creditForecast = makeCreditForecast({ history: createDynamoCreditHistoryStore(table), alerts: createDynamoForecastAlertStore(table), settings, notify, clock });
  /**
   * Every refresh's credit goes through here (the scheduled run and the on-demand refreshes): the thresholds'
   * emails, then the day's reading for the forecast (and its email). A forecast failure does not fail the check.
   */
  const checkCredit = async (credit: string) => {
    const level = await checkCreditLevel(credit);
    await creditForecast.record(credit).catch((err: unknown) => logger.warn('credit forecast update failed; the next refresh retries', { error: err instanceof Error ? err.message : String(err) }));
    return level;
  };
  /**
   * A refresh someone asks for (Refresh from PurelyMail, the users page, the campaign directory) checks the
   * credit it read as the 15-minute run does, so a crossing is mailed when an admin sees it, not up to 15
   * minutes later; the once-per-crossing rule (check-credit.ts) keeps the two from mailing it twice. A failed
   * check does not fail the refresh: the next scheduled run checks again.
   */
  const refreshOnDemand = async () => {
    const snapshot = await refreshCache();
    if (snapshot.credit) {
      await checkCredit(snapshot.credit.credit).catch((err: unknown) => logger.warn('credit check after a refresh failed; the scheduled run retries', { error: err instanceof Error ? err.message : String(err) }));
    }
    return snapshot;
  };
  const health = makeCheckHealth({ store: settingsStore, purelymail: a.purelymail, clock, sandbox: d.sandbox });

  // 2. Admins: accounts, sessions, sign-in throttles, 2FA.
  const admins = createDynamoAdminStore(table);
  const sessions = createDynamoSessionStore(table);
  const auth = makeAuth({
    admins,
    sessions,
    throttles: createDynamoThrottleStore(table),
    setupTokens: createDynamoSetupTokenStore(table),
    mfaChallenges: createDynamoMfaChallengeStore(table),
    mfaSecrets: makeMfaSecretBox(a.mfaSecretBox),
    hasher: createScryptPasswordHasher(config.PASSWORD_SCRYPT_LOG_N),
    clock,
    sessionPolicy: { idleMinutes: config.SESSION_IDLE_MINUTES, absoluteHours: config.SESSION_ABSOLUTE_HOURS },
    throttlePolicy: {
      accountFailuresBeforeBackoff: config.LOGIN_ACCOUNT_FAILURES_BEFORE_BACKOFF,
      ipFailuresPerWindow: config.LOGIN_IP_FAILURES_PER_WINDOW,
      ipWindowMinutes: config.LOGIN_IP_WINDOW_MINUTES,
    },
  });

  // 3. The 24-hour queue for destructive actions, then what uses it: DNS health, domains, users, routing.
  const pendingActions = makePendingActions({
    store: createDynamoPendingActionStore(table),
    scheduler: a.scheduler,
    purelymail: a.purelymail,
    cache,
    audit,
    delayHours: async () => (await settings.get()).deletionDelayHours,
    emit: events.emit,
    clock,
    logger,
    // Off-boarding (built below: it requests deletions through this queue) refuses a deletion whose archive copy has
    // not succeeded. Called only when an action runs, long after composition.
    blocker: (action) => offboarding.deletionBlocker(action),
  });
  const dnsHealth = makeDnsHealth({
    store: createDynamoDnsHealthStore(table),
    purelymail: a.purelymail,
    cache,
    lookup: a.dnsLookup,
    notify,
    audit,
    clock,
    logger,
    policy: { ...DEFAULT_DNS_HEALTH_POLICY, batch: config.DNS_TIER_BATCH },
  });
  const domains = makeDomains({ purelymail: a.purelymail, cache, clock, dnsLookup: a.dnsLookup, pendingActions, dnsHealth, ownershipCodeFallback: config.PURELYMAIL_OWNERSHIP_TOKEN });
  const users = makeUsers({ purelymail: a.purelymail, cache, refreshCache: refreshOnDemand, pendingActions });
  // A domain move's DNS: the records to publish, applying and rolling them back, and watching resolution (issue 19).
  const dnsCutover = makeDnsCutover({ provider: a.dnsProvider ?? null, resolvers: a.dnsResolvers ?? [], lookup: a.dnsLookup, purelymailMxVerdict: makePurelymailMxVerdict(a.purelymail), clock });
  const userImport = makeUserImport({ purelymail: a.purelymail, cache });
  // One-time hand-over links of imported users: passwords sealed with the api's own box under their own purpose
  // (user-handover: only the api's KMS grant names it), tokens kept as hashes, opens limited per IP.
  const userHandover = makeUserHandover({
    store: createDynamoHandoverStore(table),
    box: a.mfaSecretBox,
    async userExists(address) {
      const users = (await cache.read(['users'])).users;
      if (users?.addresses.some((u) => u.toLowerCase() === address)) return true;
      return userExists(a.purelymail, address);
    },
    counter: throttleRateCounter(createDynamoThrottleStore(table)),
    clock,
    panelUrl: d.panelUrl,
    validHours: config.USER_HANDOVER_LINK_HOURS,
    opensPerIpPer15Min: config.USER_HANDOVER_OPENS_PER_IP_PER_15_MIN,
  });
  const routing = makeRouting({ purelymail: a.purelymail, cache, clock, pendingActions, undo: createDynamoRuleUndoStore(table) });

  // 4. Migrations: the run engine (queue, dispatcher, ends of runs), then servers, jobs and runs for the api.
  const stores = buildMigrationStores(table);
  // App passwords the panel makes at PurelyMail (people's devices, migration destinations), remembered to be deleted.
  // Their secrets are sealed with the api's own box (the credentials key, purpose panel-app-passwords): the api and the
  // scheduled function delete them, so they must open them; the worker cannot.
  const batchStore = createDynamoBatchStore(table);
  const campaignStore = createDynamoCampaignStore(table);
  const appPasswords = makeAppPasswords({
    store: createDynamoAppPasswordStore(table),
    purelymail: a.purelymail,
    box: a.mfaSecretBox,
    audit,
    clock,
    logger,
    maxAgeDays: config.MIGRATION_APP_PASSWORD_MAX_AGE_DAYS,
    async jobUse(jobId) {
      const job = await stores.jobs.get(jobId);
      if (!job) return { exists: false };
      const latestRun = job.latestRunId ? await stores.runs.get(job.latestRunId) : undefined;
      const running = latestRun !== undefined && !isTerminalRunState(latestRun.state);
      return { exists: true, running, lastActivityAt: latestRun?.endedAt ?? latestRun?.createdAt ?? job.updatedAt };
    },
    // A closed campaign or a finished batch needs no app password until a job's next run (which makes a fresh one).
    async closedOwner({ jobId, campaignId }) {
      const campaign = campaignId ? await campaignStore.get(campaignId) : undefined;
      if (campaign && !isCampaignOpen(campaign, clock.now())) return `campaign "${campaign.name}" was closed`;
      const batchId = await batchStore.batchOfJob(jobId);
      const batch = batchId ? await batchStore.get(batchId) : undefined;
      if (batch?.state !== 'finished') return undefined;
      // A domain move's batch finishes between delta passes; the move's Finish removes its app passwords.
      return (await domainMoves.keepsBatch(batch.id)) ? undefined : `batch "${batch.name}" finished`;
    },
  });
  const engine = buildMigrationEngine({ stores, queue: a.queue, runner: a.runner, config, clock, logger, emit: events.emit });
  const policy = imapPolicy(config.ALLOW_PRIVATE_IMAP_HOSTS, config.MIGRATION_EXTRA_IMAP_PORTS);
  const migrations: MigrationsApi = {
    servers: makeManageServers({ servers: stores.servers, jobs: stores.jobs, guard: saveTimeGuard(policy), clock }),
    testLogin: makeTestLogin({ servers: stores.servers, tester: createImapLoginTester({ policy }), attempts: stores.testLoginAttempts, now: () => clock.now().getTime() }),
    jobs: makeManageJobs({ jobs: stores.jobs, runs: stores.runs, servers: stores.servers, sealer: a.sealer, queueRun: engine.queueRun, clock, appPasswords }),
    cancelRun: makeCancelRun({ runs: stores.runs, finishRun: engine.finishRun, clock, signalWorker: a.signalWorker }),
    ...makeRunReads({ runs: stores.runs, logReader: a.logReader }),
    settings: engine.settings,
  };
  // Off-boarding: users, app passwords, routing, the pending queue and (for the archive copy) migration jobs in one flow.
  const offboarding = makeOffboarding({
    store: createDynamoOffboardingStore(table),
    userExists: (address) => userExists(a.purelymail, address),
    setPassword: users.setPassword,
    generatePassword: () => generateMailboxPassword(),
    appPasswords,
    createRule: routing.create,
    requestDeletion: users.requestDeletion,
    archive: makeArchiveCopy({
      servers: stores.servers,
      jobs: stores.jobs,
      runs: stores.runs,
      manageJobs: migrations.jobs,
      cancelRun: migrations.cancelRun,
      releaseForJob: appPasswords.releaseForJob,
    }),
    audit,
    clock,
    logger,
  });

  // 5. Batches of jobs (CSV import, campaign launches) and credential-gathering campaigns, on top of migrations.
  const batches = makeBatches({
    store: batchStore,
    reader: createDynamoBatchJobReader(table),
    jobs: migrations.jobs,
    cancelRun: migrations.cancelRun,
    notify,
    mailSettings,
    clock,
    logger,
    panelUrl: d.panelUrl,
    maxAttempts: config.MIGRATION_MAX_ATTEMPTS,
    emit: events.emit,
    writer: createDynamoBatchJobWriter(table),
    queue: a.batchQueue,
  });
  const bulkImport = makeBulkImport({ servers: migrations.servers, batches });
  const campaignBatches = makeSealedBatchCreator({ batchStore, jobs: stores.jobs, servers: stores.servers, manageJobs: migrations.jobs, clock, logger });
  const campaigns = makeCampaigns({
    campaigns: campaignStore,
    submissions: createDynamoCampaignSubmissionStore(table),
    challenges: createDynamoCampaignChallengeStore(table),
    servers: stores.servers,
    counter: throttleRateCounter(createDynamoThrottleStore(table)),
    limits: {
      ...DEFAULT_CAMPAIGN_LIMITS,
      perIpPer15Min: config.CAMPAIGN_PER_IP_PER_15_MIN,
      perTokenPerHour: config.CAMPAIGN_PER_TOKEN_PER_HOUR,
      failuresPerAddressPerHour: config.CAMPAIGN_FAILURES_PER_ADDRESS_PER_HOUR,
    },
    // The same IMAP "test login" as the server form (same private-address rule), without an admin's budget.
    verifier: {
      async verify(serverId, user, password) {
        const r = await migrations.testLogin.saved(serverId, { user, password });
        return r.ok ? { ok: true } : { ok: false, reason: r.reason, message: r.message };
      },
    },
    sealer: a.sealer,
    mailboxes: cachedMailboxDirectory({ cache, refreshCache: refreshOnDemand, users }),
    batches: () => campaignBatches,
    audit,
    clock,
    panelUrl: d.panelUrl,
    newJobId: (now) => newId('job', now),
    appPasswords,
  });

  // 5b. Domain moves (issue 19): campaigns or batches → copy → scheduled delta passes → DNS switch → final pass → finish.
  const jobReader = createDynamoBatchJobReader(table);
  const domainMoves = makeDomainMoves({
    store: createDynamoDomainMoveStore(table),
    scheduler: a.recurringScheduler,
    // The cutover built above unless a test hands one in (given only the adapters' one, a move's DNS steps answered 503).
    dnsCutover: a.dnsCutover ?? dnsCutover,
    domainExists: async (domain) => (await a.purelymail.listDomains()).domains.some((x) => x.name.toLowerCase() === domain),
    ownershipCode: () => domains.ownershipCode().then((c) => c.code, () => null),
    batches,
    campaigns,
    startRun: (jobId, actor) => migrations.jobs.start(jobId, 'full', actor),
    readJobs: (ids) => jobReader.jobs(ids),
    readRuns: (ids) => jobReader.runs(ids),
    releaseAppPasswords: (jobId, actor) => appPasswords.releaseForJob(jobId, actor),
    notify: notify.send,
    audit,
    clock,
    logger,
    panelUrl: d.panelUrl,
  });

  // 5c. "Keep this job in sync every N hours until <date>": the same recurring schedules, one per job (issue 19).
  const moveStore = createDynamoDomainMoveStore(table);
  const jobSync = makeJobSync({
    store: createDynamoJobSyncStore(table),
    scheduler: a.recurringScheduler,
    jobName: async (jobId) => (await stores.jobs.get(jobId))?.name,
    moveOf: async (jobId) => (await moveStore.list()).find((m) => !isDomainMoveOver(m.stage) && m.mailboxes.some((mb) => mb.jobId === jobId))?.domain ?? null,
    startRun: (jobId, actor) => migrations.jobs.start(jobId, 'full', actor),
    readRun: async (runId) => (await jobReader.runs([runId]))[0],
    notify: notify.send,
    audit,
    clock,
    logger,
    panelUrl: d.panelUrl,
  });

  // 6. The dashboard, from the cache, the pending queue and the jobs (a migrations read failure must not cost it).
  const getDashboard = makeGetDashboard({
    cache,
    settings,
    sandbox: d.sandbox,
    countPending: pendingActions.countPending,
    creditForecast: () => creditForecast.read(),
    summarizeMigrations: () => migrations.jobs.list().then(summarizeJobs, () => NO_MIGRATIONS),
  });

  // 7. Who reacts to which event: every capability exists by now.
  subscribe(events, { offerWaitingRun: engine.offerWaitingRun, batches, notify, dnsHealth, offboarding, appPasswords, domainMoves, jobSync });

  return {
    auth,
    audit,
    settings,
    getDashboard,
    refreshCache: refreshOnDemand,
    health,
    domains,
    dnsCutover,
    routing,
    users,
    userImport,
    userHandover,
    pendingActions,
    notify,
    mailSettings,
    dnsHealth,
    migrations,
    batches,
    bulkImport,
    campaigns,
    appPasswords,
    offboarding,
    domainMoves,
    jobSync,
    /** The jobs the scheduled Lambda runs (AWS) and the local timers run. */
    background: { pendingActions, runDnsTier: dnsHealth.runTier, refreshCache, checkCredit, retryOutbox: notify.retryOutbox, purgeCampaigns: campaigns.purge, sweepAppPasswords: appPasswords.sweep, settleArchiveCopies: offboarding.settleArchives, domainMoveTick: domainMoves.tick, jobSyncTick: jobSync.tick, settleJobSyncs: jobSync.sweep },
    /** The run engine (the local runtime dispatches and sweeps with it). */
    engine,
    /** Stores a runtime reads directly: the admin CLI and tests (admins, sessions), the migration stores. */
    stores: { admins, sessions, cache, settings: settingsStore, migrations: stores },
  };
}
export type Capabilities = ReturnType<typeof buildCapabilities>;
