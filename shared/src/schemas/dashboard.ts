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
