import type { CreditForecast, Settings } from '@app/shared';
import { formatCredit } from '@app/shared/money';
import type { Clock } from '../../platform/clock.ts';
import type { Notifier } from '../notifications/notifier.ts';
import { addDays, computeForecast, dayOf } from './compute-forecast.ts';
import type { CreditHistoryStore, ForecastAlertStore } from './ports.ts';

/** Readings are kept this long (TTL): the forecast looks at 30 days; the rest leaves room for a longer chart later. */
export const CREDIT_HISTORY_DAYS = 90;
const DAY_S = 86_400;

export interface CreditForecastDeps {
  history: CreditHistoryStore;
  alerts: ForecastAlertStore;
  settings: { get(): Promise<Settings> };
  notify: Pick<Notifier, 'creditForecast'>;
  clock: Clock;
}

/**
 * The credit forecast capability: the balance as a daily time series (one reading per UTC day, the last of the
 * day), the forecast from it, and the once-per-crossing email when the days left drop below the setting.
 */
export function makeCreditForecast(deps: CreditForecastDeps) {
  const read = async (settings?: Settings): Promise<CreditForecast> => {
    const s = settings ?? (await deps.settings.get());
    const now = deps.clock.now();
    return computeForecast(await deps.history.since(addDays(dayOf(now), -CREDIT_HISTORY_DAYS)), now, s.creditRed, s.creditForecastDays);
  };
  return {
    read,
    /**
     * After each cache refresh (with the fresh credit):
     * 1. Keep it as today's reading (TTL CREDIT_HISTORY_DAYS).
     * 2. Work out the forecast; "below" when it has a number of days left under the setting (0: never). A balance
     *    already under the red threshold is the red threshold email's news, not this one's.
     * 3. If that differs from the stored state, move it with one conditional write; only the winner of a change
     *    to "below" emails the admins. Recovering re-arms the email.
     */
    async record(credit: string): Promise<CreditForecast> {
      const now = deps.clock.now();
      await deps.history.put({ day: dayOf(now), credit, at: now.toISOString() }, Math.floor(now.getTime() / 1000) + CREDIT_HISTORY_DAYS * DAY_S);
      const settings = await deps.settings.get();
      const forecast = await read(settings);
      const below = forecast.status === 'forecast' && settings.creditForecastDays > 0 && forecast.daysLeft! < settings.creditForecastDays;
      const stored = await deps.alerts.get();
      if ((stored?.below ?? false) === below && stored) return forecast;
      const version = stored?.version ?? 0;
      if (!(await deps.alerts.set(below, version))) return forecast;
      if (below) {
        await deps.notify.creditForecast(
          {
            daysLeft: forecast.daysLeft!,
            burnPerDay: formatCredit(forecast.burnPerDay!),
            credit: formatCredit(credit),
            redThreshold: formatCredit(settings.creditRed),
            reachesRedOn: forecast.reachesRedOn!,
            alertBelowDays: settings.creditForecastDays,
            at: now.toISOString(),
          },
          `v${version + 1}`,
        );
      }
      return forecast;
    },
  };
}
export type CreditForecastModule = ReturnType<typeof makeCreditForecast>;
