import * as z from 'zod';
import { lazySchema } from '../lazy-schema.ts';
import { DomainDnsReport } from './dns.ts';
import { PendingAction } from './pending-action.ts';

const LABEL = '(?!-)[a-z0-9-]{1,63}(?<!-)';
const HOSTNAME = new RegExp(`^(?=.{1,253}$)${LABEL}(\\.${LABEL})+$`);

/**
 * A domain name as an admin types it: trimmed, lower-cased, without a trailing dot, at least two labels
 * (IDNs in their xn-- form). Used for request bodies and for `:name` in the address.
 */
export const DomainNameInput = lazySchema(() =>
  z
    .string()
    .trim()
    .max(253, 'is too long (253 characters at most)')
    .transform((s) => s.toLowerCase().replace(/\.$/, ''))
    .pipe(z.string().min(1, 'is required').regex(HOSTNAME, 'is not a domain name like example.com')),
);
export type DomainNameInput = z.infer<typeof DomainNameInput>;

/** PurelyMail's own verdict from `listDomains` (it has no flag for the ownership record). */
export const DomainDnsSummary = lazySchema(() =>
  z.object({
    passesMx: z.boolean(),
    passesSpf: z.boolean(),
    passesDkim: z.boolean(),
    passesDmarc: z.boolean(),
  }),
);
export type DomainDnsSummary = z.infer<typeof DomainDnsSummary>;

/** A scheduled deletion shown on a row, so nobody schedules it twice or wonders why it is still listed. */
export const ScheduledDeletion = lazySchema(() => PendingAction.pick({ id: true, executeAt: true, requestedBy: true }));
export type ScheduledDeletion = z.infer<typeof ScheduledDeletion>;

export const Domain = lazySchema(() =>
  z.object({
    name: z.string(),
    allowAccountReset: z.boolean(),
    symbolicSubaddressing: z.boolean(),
    isShared: z.boolean(),
    dnsSummary: DomainDnsSummary,
    /** From the cached user list. */
    users: z.number().int(),
    /** The user list reached PurelyMail's 1,000 cap: `users` counts the listed ones, there may be more. */
    usersCapped: z.boolean(),
    pendingDeletion: ScheduledDeletion.nullable(),
  }),
);
export type Domain = z.infer<typeof Domain>;

/**
 * What adding a domain returns. `notice`: PurelyMail's answer was lost and the panel checked afterwards that
 * the domain was added ("PurelyMail did not answer in time; it did take effect.").
 */
export const AddedDomain = lazySchema(() => Domain.extend({ notice: z.string().optional() }));
export type AddedDomain = z.infer<typeof AddedDomain>;

export const DomainList = lazySchema(() =>
  z.object({
    domains: z.array(Domain),
    /** When the cached list was read from PurelyMail; null if never. */
    syncedAt: z.string().nullable(),
    /** Domains PurelyMail returned that could not be read (not in `domains`). */
    unreadable: z.number().int(),
  }),
);
export type DomainList = z.infer<typeof DomainList>;

/** The ownership TXT value to publish at a domain's apex (one value for the whole account). */
export const OwnershipCode = lazySchema(() =>
  z.object({
    /** Exactly as PurelyMail gave it, whatever its shape. */
    code: z.string(),
    /** False when it is not `purelymail_ownership_proof=` and a value: shown as it is, with a word of caution. */
    expectedShape: z.boolean(),
    /** `config` when PurelyMail could not be asked and PURELYMAIL_OWNERSHIP_TOKEN was used instead. */
    source: z.enum(['purelymail', 'config']),
  }),
);
export type OwnershipCode = z.infer<typeof OwnershipCode>;

/** The detail page: PurelyMail's cached verdict beside what our own resolver sees published right now. */
export const DomainDetail = lazySchema(() =>
  z.object({
    domain: Domain,
    report: DomainDnsReport,
    syncedAt: z.string().nullable(),
    /** After "Re-check DNS now" whose answer was lost: what the panel found when it checked (see AddedDomain). */
    notice: z.string().optional(),
  }),
);
export type DomainDetail = z.infer<typeof DomainDetail>;

export const AddDomainInput = lazySchema(() => z.strictObject({ name: DomainNameInput }));
export type AddDomainInput = z.infer<typeof AddDomainInput>;

export const UpdateDomainSettingsInput = lazySchema(() =>
  z
    .strictObject({
      allowAccountReset: z.boolean().optional(),
      symbolicSubaddressing: z.boolean().optional(),
    })
    .refine((v) => v.allowAccountReset !== undefined || v.symbolicSubaddressing !== undefined, {
      message: 'must change at least one setting',
    }),
);
export type UpdateDomainSettingsInput = z.infer<typeof UpdateDomainSettingsInput>;

/** Returned when a deletion is queued: it runs at `action.executeAt` unless an admin cancels it. */
export const QueuedDeletion = lazySchema(() => z.object({ action: PendingAction }));
export type QueuedDeletion = z.infer<typeof QueuedDeletion>;

/** Error code when PurelyMail refuses addDomain because the ownership TXT is not published. */
export const OWNERSHIP_NOT_VERIFIED = 'domain_ownership_not_verified';
