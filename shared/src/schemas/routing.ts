import * as z from 'zod';
import { lazySchema } from '../lazy-schema.ts';
import { DomainNameInput, ScheduledDeletion } from './domain.ts';

/**
 * PurelyMail's four routing presets (reference §2.4), in the order its own UI lists them:
 * - `exact`: one address, `info@x.com`            (matchUser "info", prefix false, catchall false)
 * - `prefix`: addresses starting with a text      (matchUser "support", prefix true, catchall false)
 * - `any`: every address, users' mailboxes too    (matchUser "", prefix true, catchall false)
 * - `catchall`: every address that is not a user  (matchUser "", prefix true, catchall true)
 */
export const RoutingPreset = lazySchema(() => z.enum(['exact', 'prefix', 'any', 'catchall']));
export type RoutingPreset = z.infer<typeof RoutingPreset>;

/** A full address, trimmed and lower-cased. */
export const TargetAddress = lazySchema(() =>
  z
    .string()
    .trim()
    .max(254, 'is too long (254 characters at most)')
    .transform((s) => s.toLowerCase())
    .pipe(z.email('is not a valid email address like name@example.com')),
);
export type TargetAddress = z.infer<typeof TargetAddress>;

/** The part before the @: no spaces, no @. */
export const MatchUser = lazySchema(() =>
  z
    .string()
    .trim()
    .max(64, 'is too long (64 characters at most)')
    .transform((s) => s.toLowerCase())
    .pipe(z.string().regex(/^[^@\s,;<>"]*$/, 'must be the part before the @ only, without spaces')),
);

export const MAX_ROUTING_TARGETS = 50;

/** Create or replace a rule. `matchUser` is required for exact/prefix and must be empty for any/catchall. */
export const RoutingRuleInput = lazySchema(() =>
  z
    .strictObject({
      domainName: DomainNameInput,
      preset: RoutingPreset,
      matchUser: MatchUser.default(''),
      targetAddresses: z
        .array(TargetAddress)
        .min(1, 'needs at least one address to deliver to')
        .max(MAX_ROUTING_TARGETS, `can have at most ${MAX_ROUTING_TARGETS} addresses`),
    })
    .superRefine((v, ctx) => {
      const needsUser = v.preset === 'exact' || v.preset === 'prefix';
      if (needsUser && v.matchUser === '') {
        ctx.addIssue({ code: 'custom', path: ['matchUser'], message: v.preset === 'exact' ? 'is required: which address?' : 'is required: what should the address start with?' });
      }
      if (!needsUser && v.matchUser !== '') {
        ctx.addIssue({ code: 'custom', path: ['matchUser'], message: 'must be empty for a rule that matches any address' });
      }
      const seen = new Set<string>();
      v.targetAddresses.forEach((t, i) => {
        if (seen.has(t)) ctx.addIssue({ code: 'custom', path: ['targetAddresses', i], message: `${t} is listed twice` });
        seen.add(t);
      });
    }),
);
export type RoutingRuleInput = z.infer<typeof RoutingRuleInput>;
export type RoutingRuleInputDraft = z.input<typeof RoutingRuleInput>;

/** A rule as PurelyMail stores it, plus what it means in words. */
export const RoutingRuleView = lazySchema(() =>
  z.object({
    id: z.number().int(),
    domainName: z.string(),
    prefix: z.boolean(),
    matchUser: z.string(),
    targetAddresses: z.array(z.string()),
    catchall: z.boolean(),
    /** null when the fields match none of the four presets (made through the API by another tool). */
    preset: RoutingPreset.nullable(),
    /** "info@x.com", "any address at x.com starting with support", "any address at x.com that is not a user". */
    matches: z.string(),
    /** "info@x.com → a@y.com, b@z.org" */
    label: z.string(),
    pendingDeletion: ScheduledDeletion.nullable(),
    /** Until when the admin asking may undo (delete at once) this rule they created; null for everyone else. */
    undoUntil: z.string().nullable(),
  }),
);
export type RoutingRuleView = z.infer<typeof RoutingRuleView>;

export const RoutingOverview = lazySchema(() =>
  z.object({
    rules: z.array(RoutingRuleView),
    /** Domains on the account (rules can only be made for these). */
    domains: z.array(z.string()),
    /** Cached user addresses, for target autocomplete. */
    users: z.array(z.string()),
    syncedAt: z.string().nullable(),
    /** Rules PurelyMail returned that could not be read (not in `rules`). */
    unreadable: z.number().int(),
  }),
);
export type RoutingOverview = z.infer<typeof RoutingOverview>;

export const RouteTraceQuery = lazySchema(() => z.strictObject({ address: TargetAddress }));

/**
 * One step of "where does mail to this address go?":
 * - `rule`: a rule took the mail and sent it on to `targets`
 * - `mailbox`: it lands in this user's mailbox
 * - `external`: it leaves the account (the domain is not one of ours)
 * - `bounce`: our domain, no user and no rule: the sender gets a bounce
 * - `loop`: the hop limit was reached or the address came back to itself; this copy is dropped
 * - `subaddress`: symbolic subaddressing is on, so `alice+news@x.com` is treated as `alice@x.com`
 */
export const TraceStep = lazySchema(() =>
  z.object({
    depth: z.number().int(),
    address: z.string(),
    outcome: z.enum(['rule', 'mailbox', 'external', 'bounce', 'loop', 'subaddress']),
    ruleId: z.number().int().optional(),
    ruleMatches: z.string().optional(),
    targets: z.array(z.string()).optional(),
    /** Plain words for this step. */
    note: z.string(),
  }),
);
export type TraceStep = z.infer<typeof TraceStep>;

export const RouteTrace = lazySchema(() =>
  z.object({
    address: z.string(),
    steps: z.array(TraceStep),
    mailboxes: z.array(z.string()),
    external: z.array(z.string()),
    bounced: z.array(z.string()),
    loopDetected: z.boolean(),
  }),
);
export type RouteTrace = z.infer<typeof RouteTrace>;

/** How long the admin who created a rule may undo it at once, outside the 24-hour queue (nothing was lost yet). */
export const RULE_UNDO_MINUTES = 15;

/** A rule as the dialog has it before saving, for the route simulator's verdict; `replacing`: the rule being edited. */
export const RulePreviewQuery = lazySchema(() =>
  z.strictObject({
    domainName: DomainNameInput,
    preset: RoutingPreset,
    matchUser: MatchUser.default(''),
    /** Comma-separated; may be empty while the admin is still typing. */
    targets: z.string().max(MAX_ROUTING_TARGETS * 255).default(''),
    replacing: z.coerce.number().int().positive().optional(),
  }),
);
export type RulePreviewQuery = z.infer<typeof RulePreviewQuery>;

/**
 * The route simulator's verdict on a rule before it is saved: where mail to its address would go with the rule,
 * and which mailboxes would stop receiving their mail because of it.
 */
export const RulePreview = lazySchema(() =>
  z.object({
    /** For a one-address rule: the trace of that address with the rule in place; null for prefix/any/catch-all. */
    trace: RouteTrace.nullable(),
    /** Mailboxes that receive their mail today and would not with this rule (sorted; at most `LOSING_SHOWN`). */
    losing: z.array(z.string()),
    /** How many mailboxes would stop receiving mail in all. */
    losingCount: z.number().int(),
    /** The user list is capped at PurelyMail's 1,000: mailboxes beyond it were not checked. */
    usersCapped: z.boolean(),
  }),
);
export type RulePreview = z.infer<typeof RulePreview>;

/** Error code when a new rule has the same domain + match + prefix as an existing one. */
export const ROUTING_RULE_CONFLICT = 'routing_rule_conflict';
