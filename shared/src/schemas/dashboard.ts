import * as z from 'zod';

export const CreditLevel = z.enum(['ok', 'amber', 'red']);
export type CreditLevel = z.infer<typeof CreditLevel>;

/** Account credit: PurelyMail's exact decimal string, and a display form rounded down to cents without floats. */
export const Credit = z.object({
  amount: z.string(),
  display: z.string(),
  level: CreditLevel,
});
export type Credit = z.infer<typeof Credit>;

export const Dashboard = z.object({
  totals: z.object({ users: z.number().int(), domains: z.number().int(), rules: z.number().int() }),
  credit: Credit.nullable(),
  thresholds: z.object({ amber: z.string(), red: z.string() }),
  syncedAt: z.string().nullable(),
  sandbox: z.boolean(),
  usersByDomain: z.array(z.object({ domain: z.string(), users: z.number().int() })),
  pendingActions: z.number().int(),
});
export type Dashboard = z.infer<typeof Dashboard>;

export const Health = z.object({
  ok: z.boolean(),
  store: z.string(),
  purelymail: z.string(),
  mode: z.enum(['sandbox', 'live']),
});
export type Health = z.infer<typeof Health>;
