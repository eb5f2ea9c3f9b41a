import * as z from 'zod';
import { lazySchema } from '../lazy-schema.ts';

const Money = lazySchema(() => z.string().trim().regex(/^\d{1,6}(\.\d{1,2})?$/, 'must be an amount like 5 or 4.50'));

/** Panel-wide settings, editable by any admin; `version` guards against two admins overwriting each other. */
export const Settings = lazySchema(() =>
  z.object({
    creditAmber: z.string(),
    creditRed: z.string(),
    deletionDelayHours: z.number().int(),
    /** Email the admins once when the credit forecast says fewer days than this are left (0: never). */
    creditForecastDays: z.number().int(),
    /** Every admin must use two-factor authentication; only owners change it. */
    requireAdminMfa: z.boolean(),
    version: z.number().int(),
  }),
);
export type Settings = z.infer<typeof Settings>;

export const UpdateSettingsInput = lazySchema(() =>
  z.strictObject({
    creditAmber: Money.optional(),
    creditRed: Money.optional(),
    deletionDelayHours: z.number().int().min(1, 'must be at least 1 hour').max(720, 'must be at most 30 days').optional(),
    creditForecastDays: z.number({ message: 'must be a whole number of days' }).int('must be a whole number of days').min(0, 'must be 0 (off) or more').max(365, 'must be at most 365 days').optional(),
    requireAdminMfa: z.boolean().optional(),
    version: z.number().int(),
  }),
);
export type UpdateSettingsInput = z.infer<typeof UpdateSettingsInput>;
