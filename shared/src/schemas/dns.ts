import * as z from 'zod';
import { lazySchema } from '../lazy-schema.ts';

/** The seven records PurelyMail asks for on a custom domain (DKIM is three CNAMEs). */
export const DnsRecordKind = lazySchema(() => z.enum(['ownership', 'mx', 'spf', 'dkim1', 'dkim2', 'dkim3', 'dmarc']));
export type DnsRecordKind = z.infer<typeof DnsRecordKind>;

export const DnsRecordType = lazySchema(() => z.enum(['TXT', 'MX', 'CNAME']));
export type DnsRecordType = z.infer<typeof DnsRecordType>;

/** `missing`: nothing usable published; `wrong`: something published but not right; `error`: our lookup failed. */
export const DnsRecordStatus = lazySchema(() => z.enum(['ok', 'missing', 'wrong', 'error']));
export type DnsRecordStatus = z.infer<typeof DnsRecordStatus>;

/** Stable codes the UI may key on; the message carries the plain-words explanation. */
export const DnsProblemCode = lazySchema(() =>
  z.enum([
    'missing',
    'wrong_value',
    'wrong_host',
    'spf_multiple',
    'spf_missing_include',
    'dkim_backwards',
    'dmarc_txt',
    'mx_extra',
    'lookup_failed',
  ]),
);
export type DnsProblemCode = z.infer<typeof DnsProblemCode>;

export const DnsProblem = lazySchema(() =>
  z.object({
    code: DnsProblemCode,
    /** Plain words naming the exact host and value to fix. */
    message: z.string(),
  }),
);
export type DnsProblem = z.infer<typeof DnsProblem>;

export const DnsRecordCheck = lazySchema(() =>
  z.object({
    kind: DnsRecordKind,
    /** Fully qualified, lower case, no trailing dot: what the admin types is usually the part before the domain. */
    host: z.string(),
    type: DnsRecordType,
    expectedValue: z.string(),
    priority: z.number().int().optional(),
    /** PurelyMail's own flag: null for ownership (it has none) or when unknown; DKIM's one flag covers all three. */
    purelymailVerdict: z.boolean().nullable(),
    /**
     * What our lookup found at `host` for `type`. For TXT only the relevant records are listed
     * (SPF records for `spf`, ownership proofs for `ownership`), so unrelated verification TXTs do not crowd it.
     */
    published: z.array(z.string()),
    status: DnsRecordStatus,
    problems: z.array(DnsProblem),
  }),
);
export type DnsRecordCheck = z.infer<typeof DnsRecordCheck>;

export const DomainDnsReport = lazySchema(() =>
  z.object({
    domain: z.string(),
    checkedAt: z.iso.datetime(),
    records: z.array(DnsRecordCheck),
    passing: z.number().int(),
    failing: z.number().int(),
    /** Set when at least one of our lookups failed (timeout, SERVFAIL, refused): the report is then incomplete. */
    lookupError: z.string().optional(),
  }),
);
export type DomainDnsReport = z.infer<typeof DomainDnsReport>;
