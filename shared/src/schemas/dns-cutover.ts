import * as z from 'zod';
import { lazySchema } from '../lazy-schema.ts';

/** Where the panel can publish a domain's records itself: a Route 53 hosted zone, or the sandbox's DNS locally. */
export const DnsProviderKind = lazySchema(() => z.enum(['route53', 'sandbox']));
export type DnsProviderKind = z.infer<typeof DnsProviderKind>;

/** The record types a cutover touches. */
export const CutoverRecordType = lazySchema(() => z.enum(['MX', 'TXT', 'CNAME']));
export type CutoverRecordType = z.infer<typeof CutoverRecordType>;

/**
 * All records of one type at one name, as a DNS provider holds them (Route 53's "record set").
 * Values are provider-neutral: MX `"10 mailserver.purelymail.com"`, TXT the text itself (not quoted, not split),
 * CNAME the target; names are lower case without the trailing dot.
 */
export const DnsRecordSet = lazySchema(() =>
  z.object({
    name: z.string().min(1),
    type: CutoverRecordType,
    /** Seconds; null when the provider has no TTL of its own for it (the sandbox). */
    ttl: z.number().int().nonnegative().nullable(),
    values: z.array(z.string()).min(1),
  }),
);
export type DnsRecordSet = z.infer<typeof DnsRecordSet>;

/**
 * One line of the change set shown before "Apply": what the record set becomes (`after`) and what it was (`before`,
 * null when nothing of that type existed there). `replaced` lists the old values that disappear, so the admin sees
 * e.g. the old host's MX and the old SPF go while other TXT values at the apex stay.
 */
export const DnsChange = lazySchema(() =>
  z.object({
    action: z.enum(['UPSERT', 'DELETE']),
    name: z.string(),
    type: CutoverRecordType,
    before: DnsRecordSet.nullable(),
    after: DnsRecordSet.nullable(),
    replaced: z.array(z.string()),
  }),
);
export type DnsChange = z.infer<typeof DnsChange>;

/**
 * A record set as it was before the panel applied the cutover, kept for "roll back the DNS". `existed: false` means
 * there was nothing of that type at that name: rolling back deletes what the panel created.
 */
export const SavedRecordSet = lazySchema(() =>
  z.object({
    name: z.string().min(1),
    type: CutoverRecordType,
    existed: z.boolean(),
    ttl: z.number().int().nonnegative().nullable(),
    values: z.array(z.string()),
  }),
);
export type SavedRecordSet = z.infer<typeof SavedRecordSet>;

/** The old MX as our own queries saw it before the switch. */
export const OldMx = lazySchema(() =>
  z.object({
    hosts: z.array(z.string()),
    /** The record's TTL in seconds; null when no resolver answered (see `error`). */
    ttlSeconds: z.number().int().nonnegative().nullable(),
    readAt: z.string(),
    /**
     * `authoritative`: the zone's own server said it (the TTL as configured). `resolver`: only recursive resolvers
     * answered; their TTL is what is left of a cached copy, so the configured TTL may be higher. null: no answer.
     */
    ttlFrom: z.enum(['authoritative', 'resolver']).nullable(),
    /** How many resolvers were asked, and how many answered. */
    asked: z.number().int().nonnegative(),
    answered: z.number().int().nonnegative(),
    /** Why nothing could be read (every resolver timed out or failed); null when an answer came. */
    error: z.string().nullable(),
  }),
);
export type OldMx = z.infer<typeof OldMx>;

/** One resolver's answer in a resolution watch. */
export const ResolverMxAnswer = lazySchema(() =>
  z.object({
    resolver: z.string(),
    mx: z.array(z.string()),
    /** True when this resolver answers PurelyMail's MX host and nothing else. */
    purelymail: z.boolean(),
    /** The failure in plain words (timeout, SERVFAIL…); null when it answered. */
    error: z.string().nullable(),
  }),
);
export type ResolverMxAnswer = z.infer<typeof ResolverMxAnswer>;

/** One look at public resolution of a domain's MX. */
export const MxWatch = lazySchema(() =>
  z.object({
    at: z.string(),
    resolvers: z.array(ResolverMxAnswer),
    /** Every resolver asked answered PurelyMail's host only (false when any failed: we cannot know). */
    everywhere: z.boolean(),
    asked: z.number().int().nonnegative(),
    /**
     * PurelyMail's own verdict (its listDomains dnsSummary.passesMx, as of its last DNS check); null when it could not
     * be read or the domain is not at PurelyMail.
     */
    purelymailVerdict: z.boolean().nullable(),
  }),
);
export type MxWatch = z.infer<typeof MxWatch>;
