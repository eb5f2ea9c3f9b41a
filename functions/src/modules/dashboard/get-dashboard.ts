import type { CreditForecast, CreditLevel, Dashboard, Settings } from '@app/shared';
import { compareDecimal, formatCredit } from '@app/shared/money';
import type { CacheSnapshot, CacheStore } from '../cache/ports.ts';
import type { SettingsModule } from '../settings/settings.ts';
import { compareNames } from '../compare-names.ts';

export function creditLevel(credit: string, settings: Pick<Settings, 'creditAmber' | 'creditRed'>): CreditLevel {
  if (compareDecimal(credit, settings.creditRed) < 0) return 'red';
  if (compareDecimal(credit, settings.creditAmber) < 0) return 'amber';
  return 'ok';
}

/** Builds the dashboard from the cache alone: a refresh costs no PurelyMail call. */
export type MigrationSummary = Dashboard['migrations'];
export const NO_MIGRATIONS: MigrationSummary = { total: 0, running: 0, queued: 0, failed: 0, succeeded: 0 };

export function buildDashboard(
  snapshot: CacheSnapshot,
  settings: Settings,
  extra: { sandbox: boolean; pendingActions: number; migrations?: MigrationSummary; forecast?: CreditForecast },
): Dashboard {
  const addresses = snapshot.users?.addresses ?? [];
  const byDomain = new Map<string, number>();
  for (const a of addresses) {
    const domain = a.slice(a.lastIndexOf('@') + 1).toLowerCase();
    byDomain.set(domain, (byDomain.get(domain) ?? 0) + 1);
  }
  const synced = [snapshot.users?.syncedAt, snapshot.domains?.syncedAt, snapshot.rules?.syncedAt, snapshot.credit?.syncedAt].filter(
    (s): s is string => Boolean(s),
  );
  return {
    totals: { users: addresses.length, usersCapped: snapshot.users?.capped ?? false, domains: snapshot.domains?.domains.length ?? 0, rules: snapshot.rules?.rules.length ?? 0 },
    unreadable: { users: snapshot.users?.unreadable ?? 0, domains: snapshot.domains?.unreadable ?? 0, rules: snapshot.rules?.unreadable ?? 0 },
    credit: snapshot.credit
      ? { amount: snapshot.credit.credit, display: formatCredit(snapshot.credit.credit), level: creditLevel(snapshot.credit.credit, settings) }
      : null,
    forecast: snapshot.credit ? (extra.forecast ?? null) : null,
    thresholds: { amber: formatCredit(settings.creditAmber), red: formatCredit(settings.creditRed) },
    // The oldest part decides how fresh the whole picture is.
    syncedAt: synced.length === 4 ? synced.sort()[0]! : null,
    sandbox: extra.sandbox,
    usersByDomain: [...byDomain].map(([domain, users]) => ({ domain, users })).sort((a, b) => b.users - a.users || compareNames(a.domain, b.domain)),
    pendingActions: extra.pendingActions,
    dns: dnsSummaryOf(snapshot),
    migrations: extra.migrations ?? NO_MIGRATIONS,
  };
}

function dnsSummaryOf(snapshot: CacheSnapshot): Dashboard['dns'] {
  const domains = snapshot.domains?.domains ?? [];
  const failing = domains
    .filter((d) => !(d.dnsSummary.passesMx && d.dnsSummary.passesSpf && d.dnsSummary.passesDkim && d.dnsSummary.passesDmarc))
    .map((d) => d.name)
    .sort();
  return { total: domains.length, passing: domains.length - failing.length, failing };
}

export const makeGetDashboard =
  (deps: {
    cache: CacheStore;
    settings: SettingsModule;
    sandbox: boolean;
    countPending: () => Promise<number>;
    summarizeMigrations?: () => Promise<MigrationSummary>;
    creditForecast?: () => Promise<CreditForecast>;
  }) =>
  /** `known`: the settings this request already read (with the session); without them they are read here. */
  async (known?: Settings): Promise<Dashboard> => {
    const [snapshot, settings, pendingActions, migrations, forecast] = await Promise.all([
      deps.cache.read(),
      known ?? deps.settings.get(),
      deps.countPending(),
      deps.summarizeMigrations?.() ?? NO_MIGRATIONS,
      deps.creditForecast?.(),
    ]);
    return buildDashboard(snapshot, settings, { sandbox: deps.sandbox, pendingActions, migrations, forecast });
  };

/** Counts jobs by the state of their latest run (queued and starting count as queued). */
export function summarizeJobs(jobs: { latestRun: { state: string } | null }[]): MigrationSummary {
  const summary = { ...NO_MIGRATIONS, total: jobs.length };
  for (const { latestRun } of jobs) {
    const state = latestRun?.state;
    if (state === 'running') summary.running++;
    else if (state === 'queued' || state === 'starting') summary.queued++;
    else if (state === 'failed' || state === 'interrupted') summary.failed++;
    else if (state === 'succeeded') summary.succeeded++;
  }
  return summary;
}
