import type { Dashboard, Health, PublicHealth, Settings } from '@app/shared';
import type { Audit } from '../modules/audit/audit.ts';
import type { Auth } from '../modules/auth/auth.ts';
import type { DomainsModule } from '../modules/domains/domains.ts';
import type { RoutingModule } from '../modules/routing/routing.ts';
import type { SettingsModule } from '../modules/settings/settings.ts';
import type { Logger } from '../platform/logger.ts';
import type { Users } from '../modules/users/users.ts';
import type { UserImport } from '../modules/user-import/user-import.ts';
import type { PendingActions } from '../modules/pending-actions/pending-actions.ts';
import type { DnsHealth } from '../modules/dns-health/dns-health.ts';
import type { DnsCutover } from '../modules/dns-cutover/dns-cutover.ts';
import type { MailSettingsModule } from '../modules/notifications/mail-settings.ts';
import type { Notifier } from '../modules/notifications/notifier.ts';
import type { MigrationsApi } from '../modules/migrations/migrations-api.ts';
import type { Batches } from '../modules/batches/batches.ts';
import type { BulkImport } from '../modules/bulk-import/bulk-import.ts';
import type { Campaigns } from '../modules/campaigns/campaigns.ts';
import type { AppPasswords } from '../modules/app-passwords/app-passwords.ts';
import type { OffboardingModule } from '../modules/offboarding/offboarding.ts';
import type { UserHandover } from '../modules/user-handover/user-handover.ts';
import type { JobSync } from '../modules/job-sync/job-sync.ts';
import type { DomainMoves } from '../modules/domain-moves/domain-moves.ts';
import type { AppContext } from './app-env.ts';

/** What the Hono app needs; each composition root (AWS, local, tests) builds one. */
export interface AppDeps {
  auth: Auth;
  audit: Audit;
  settings: SettingsModule;
  /** `settings`: the ones requireSession read with the session, so the dashboard does not read them again. */
  getDashboard: (settings?: Settings) => Promise<Dashboard>;
  refreshCache: () => Promise<unknown>;
  /** The same check twice over: for anyone (no detail), and the detail for the log and signed-in admins. */
  health: () => Promise<{ public: PublicHealth; detail: Health }>;
  logger: Logger;
  /** Origins allowed to send state-changing requests (the panel's own URL). */
  allowedOrigins: readonly string[];
  /** The client's IP, from a source the client cannot forge (socket locally, CloudFront on AWS). */
  clientIp: (c: AppContext) => string;
  sessionCookieMaxAgeSeconds: number;
  sessionIdleMinutes: number;
  /** True when PurelyMail is the built-in sandbox: the UI shows a banner. */
  sandbox: boolean;
  domains: DomainsModule;
  routing: RoutingModule;
  users: Users;
  userImport: UserImport;
  /** One-time hand-over links of imported users (created by an admin, opened on the public page /h/). */
  userHandover: UserHandover;
  /** The pending queue: `request({kind, target, label, requestedBy})` delays a deletion; also cancel, list, execute. */
  pendingActions: PendingActions;
  /** Emails admins, once per event and recipient, never throwing: `pendingRequested(action)`, `pendingFinished(action)`, `send(...)`. */
  notify: Notifier;
  /** Sender and extra recipients of notification emails. */
  mailSettings: MailSettingsModule;
  /** Tiered DNS rechecks: the stored per-domain health (pages read it; only tier runs call PurelyMail). */
  dnsHealth: DnsHealth;
  /** A domain move's DNS (issue 19): old MX and TTL, the records to publish (BIND fragment, change set), apply, rollback, watch. */
  dnsCutover: DnsCutover;
  /** IMAP servers, jobs, runs, logs and the concurrency setting (seal-only: the API never opens credentials). */
  migrations: MigrationsApi;
  /** Batches of jobs (CSV imports, campaign launches): `create({name, origin, createdBy, rows, start})`, detail, actions, report, summary email. */
  batches: Batches;
  /** CSV import: template, per-line preview, all-or-nothing import into one batch. */
  bulkImport: BulkImport;
  /** Credential-gathering campaigns: admin side, the public form (`public.info/submit`) and the purge sweep. */
  campaigns: Campaigns;
  /** App passwords the panel made at PurelyMail: a user's list, create (secret shown once), revoke. */
  appPasswords: AppPasswords;
  /** Off-boarding a user: rotate, revoke, forward, delete after N days; the latest record per address. */
  offboarding: OffboardingModule;
  /** Domain moves (issue 19): one guided move per domain, its stages, passes, schedule, DNS switch, report. */
  domainMoves: DomainMoves;
  /** "Keep this job in sync every N hours until <date>": one recurring schedule per migration job. */
  jobSync: JobSync;
}
