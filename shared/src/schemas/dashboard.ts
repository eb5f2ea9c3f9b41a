import * as z from 'zod';
import { lazySchema } from '../lazy-schema.ts';

export const CreditLevel = lazySchema(() => z.enum(['ok', 'amber', 'red']));
export type CreditLevel = z.infer<typeof CreditLevel>;

/** Account credit: PurelyMail's exact decimal string, and a display form rounded down to cents without floats. */
export const Credit = lazySchema(() =>
  z.object({
    amount: z.string(),
    display: z.string(),
    level: CreditLevel,
  }),
);
export type Credit = z.infer<typeof Credit>;

/** Days of credit readings the forecast needs before it says anything (a week shows a working week and a weekend). */
export const CREDIT_FORECAST_MIN_DAYS = 7;
/** The burn rate is taken over this many days. */
export const CREDIT_FORECAST_WINDOW_DAYS = 30;

/**
 * Where the credit is heading, from the daily readings of the last 30 days:
 * - `not_enough_history`: readings on fewer than CREDIT_FORECAST_MIN_DAYS days;
 * - `not_falling`: nothing was spent over the window (only top-ups or the same balance);
 * - `below_red`: the balance is already below the red threshold;
 * - `forecast`: `daysLeft` at `burnPerDay` until the red threshold, around `reachesRedOn`.
 */
export const CreditForecast = lazySchema(() =>
  z.object({
    status: z.enum(['not_enough_history', 'not_falling', 'below_red', 'forecast']),
    /** Days with a reading in the window. */
    historyDays: z.number().int(),
    /** Average spending per day over the window, e.g. "0.47" (top-ups are not counted as negative spending). */
    burnPerDay: z.string().nullable(),
    daysLeft: z.number().int().nullable(),
    /** YYYY-MM-DD (UTC). */
    reachesRedOn: z.string().nullable(),
    /** The daily readings, oldest first, for the chart. */
    points: z.array(z.object({ day: z.string(), credit: z.string() })),
    /** The setting: an email goes out once when `daysLeft` drops below it (0: never). */
    alertBelowDays: z.number().int(),
  }),
);
export type CreditForecast = z.infer<typeof CreditForecast>;

export const Dashboard = lazySchema(() =>
  z.object({
    /**
     * `users` counts the listed users; `usersCapped`: PurelyMail's list stopped at its 1,000 cap, so the real
     * number may be higher (shown as "1,000+ (PurelyMail lists at most 1,000)", and per domain as lower bounds).
     */
    totals: z.object({ users: z.number().int(), usersCapped: z.boolean(), domains: z.number().int(), rules: z.number().int() }),
    /** Items of each list PurelyMail returned that could not be read (left out of the totals). */
    unreadable: z.object({ users: z.number().int(), domains: z.number().int(), rules: z.number().int() }),
    credit: Credit.nullable(),
    forecast: CreditForecast.nullable(),
    thresholds: z.object({ amber: z.string(), red: z.string() }),
    syncedAt: z.string().nullable(),
    sandbox: z.boolean(),
    usersByDomain: z.array(z.object({ domain: z.string(), users: z.number().int() })),
    pendingActions: z.number().int(),
    /** PurelyMail's own verdict from the cached domain list: passing = MX, SPF, DKIM and DMARC all pass. */
    dns: z.object({ total: z.number().int(), passing: z.number().int(), failing: z.array(z.string()) }),
    /** Migration jobs by the state of their latest run. */
    migrations: z.object({
      total: z.number().int(),
      running: z.number().int(),
      queued: z.number().int(),
      failed: z.number().int(),
      succeeded: z.number().int(),
    }),
  }),
);
export type Dashboard = z.infer<typeof Dashboard>;

export const Health = lazySchema(() =>
  z.object({
    ok: z.boolean(),
    store: z.string(),
    purelymail: z.string(),
    mode: z.enum(['sandbox', 'live']),
  }),
);
export type Health = z.infer<typeof Health>;

/**
 * What `/api/health` tells anyone who asks (monitors, load balancers): whether each dependency works, in words
 * that carry no secret ARN, account id or command. Signed-in admins get {@link Health} from `/api/health/detail`.
 */
export const PublicHealth = lazySchema(() =>
  z.object({
    ok: z.boolean(),
    store: z.enum(['ok', 'unreachable']),
    purelymail: z.enum(['ok', 'not configured', 'unreachable']),
    mode: z.enum(['sandbox', 'live']),
  }),
);
export type PublicHealth = z.infer<typeof PublicHealth>;
