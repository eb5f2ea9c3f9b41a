import type { RouteTrace, TraceStep } from '@app/shared';
import type { RoutingRule } from '../purelymail/purelymail-types.ts';
import { describeMatch } from './describe-rule.ts';

/** PurelyMail cuts loops off "after several hops" without saying how many; we stop at the same order of size. */
export const MAX_HOPS = 10;

/** Characters that start a subaddress when symbolic subaddressing is on (support article: `+`, `-`, `.`). */
const SUBADDRESS_SYMBOL = /[+.-]/;

/** What the resolver needs to know about the account (all from the cache). */
export interface RoutingWorld {
  rules: readonly RoutingRule[];
  /** Full user addresses. */
  users: Iterable<string>;
  domains: readonly { name: string; symbolicSubaddressing: boolean }[];
  /** `users` came from a listUser answer at PurelyMail's 1,000 cap: an address missing from it may still be a user. */
  usersCapped?: boolean;
}

function split(address: string): { local: string; domain: string } {
  const at = address.lastIndexOf('@');
  return { local: address.slice(0, at), domain: address.slice(at + 1) };
}

/**
 * The rule that takes mail for `local@domain`, by PurelyMail's semantics:
 * a catchall rule never fires for an existing user; an exact match beats any prefix; the longest prefix wins.
 */
export function pickRule(rules: readonly RoutingRule[], domain: string, local: string, isUser: boolean): RoutingRule | undefined {
  let best: RoutingRule | undefined;
  for (const rule of rules) {
    if (rule.domainName.toLowerCase() !== domain) continue;
    if (rule.catchall && isUser) continue;
    const match = rule.matchUser.toLowerCase();
    if (!rule.prefix) {
      if (local === match) return rule;
      continue;
    }
    if (local.startsWith(match) && (!best || match.length > best.matchUser.length)) best = rule;
  }
  return best;
}

class Tracer {
  readonly steps: TraceStep[] = [];
  readonly mailboxes = new Set<string>();
  readonly external = new Set<string>();
  readonly bounced = new Set<string>();
  loopDetected = false;
  /** Addresses taken for non-users only because a capped list does not show them (the caller can ask getUser). */
  readonly unlisted = new Set<string>();
  readonly #users: Set<string>;
  readonly #domains: Map<string, boolean>;

  constructor(private readonly world: RoutingWorld) {
    this.#users = new Set([...world.users].map((u) => u.toLowerCase()));
    this.#domains = new Map(world.domains.map((d) => [d.name.toLowerCase(), d.symbolicSubaddressing]));
    // Users on domains we do not list (shared PurelyMail domains) still receive mail here.
    for (const user of this.#users) if (!this.#domains.has(split(user).domain)) this.#domains.set(split(user).domain, true);
  }

  route(address: string, depth: number, path: readonly string[]): void {
    const step = (s: Omit<TraceStep, 'depth' | 'address'>) => this.steps.push({ depth, address, ...s });
    if (path.includes(address) || depth > MAX_HOPS) {
      this.loopDetected = true;
      step({ outcome: 'loop', note: path.includes(address) ? `Comes back to ${address} again: a loop. PurelyMail stops after a few hops, so this copy is not delivered.` : `More than ${MAX_HOPS} hops: PurelyMail stops here, so this copy is not delivered.` });
      return;
    }
    const { local, domain } = split(address);
    const symbolic = this.#domains.get(domain);
    if (symbolic === undefined) {
      this.external.add(address);
      step({ outcome: 'external', note: `${domain} is not on this account, so the mail leaves PurelyMail for ${address}.` });
      return;
    }
    const isUser = this.#isUser(address);
    const rule = pickRule(this.world.rules, domain, local, isUser);
    if (rule) {
      const targets = rule.targetAddresses.map((t) => t.toLowerCase());
      const taken = isUser && !targets.includes(address) ? ` ${address} is a user, but this rule takes the mail away from that mailbox.` : '';
      step({ outcome: 'rule', ruleId: rule.id, ruleMatches: describeMatch(rule), targets, note: `Matches the rule for ${describeMatch(rule)}, which sends it to ${targets.join(', ')}.${taken}` });
      for (const target of targets) {
        // Listing the matched address itself keeps a copy there instead of routing it again.
        if (target === address) this.deliverOrBounce(address, depth + 1);
        else this.route(target, depth + 1, [...path, address]);
      }
      return;
    }
    if (isUser) return this.deliverOrBounce(address, depth);
    const base = symbolic ? local.split(SUBADDRESS_SYMBOL)[0] : undefined;
    if (base && base !== local) {
      const baseAddress = `${base}@${domain}`;
      step({ outcome: 'subaddress', targets: [baseAddress], note: `Symbolic subaddressing is on for ${domain}: everything after “${local[base.length]}” is ignored, so this is mail to ${baseAddress}.` });
      return this.route(baseAddress, depth + 1, [...path, address]);
    }
    this.deliverOrBounce(address, depth);
  }

  #isUser(address: string): boolean {
    const listed = this.#users.has(address);
    if (!listed && this.world.usersCapped) this.unlisted.add(address);
    return listed;
  }

  private deliverOrBounce(address: string, depth: number): void {
    if (this.#isUser(address)) {
      this.mailboxes.add(address);
      this.steps.push({ depth, address, outcome: 'mailbox', note: `Delivered to the mailbox of ${address}.` });
    } else {
      this.bounced.add(address);
      this.steps.push({ depth, address, outcome: 'bounce', note: `${address} is not a user and no rule catches it, so the sender gets a bounce.` });
    }
  }
}

/**
 * "Where does mail to this address go?" Applies PurelyMail's routing to the given rules and users.
 *
 * 1. If the domain is not on the account, the mail leaves PurelyMail.
 * 2. Pick the rule that fires (see {@link pickRule}); it sends the mail to each target, and each target is
 *    routed again, until nothing changes, an address repeats (a loop) or {@link MAX_HOPS} is reached.
 * 3. With no rule, a user's mailbox receives it; with symbolic subaddressing `a+b@` is retried as `a@`;
 *    otherwise it bounces.
 *
 * Where PurelyMail's order is undocumented (rules before subaddress stripping) we assume rules see the
 * address as written, so a rule for `no-reply@` still works on a domain with symbolic subaddressing.
 *
 * @example traceRoute('info@x.com', { rules, users: ['a@x.com'], domains: [{ name: 'x.com', symbolicSubaddressing: true }] })
 */
export function traceRoute(address: string, world: RoutingWorld): RouteTrace {
  return traceWithUnlisted(address, world).trace;
}

/**
 * The trace, and the addresses of the account's domains it took for non-users only because they are missing
 * from a capped user list (`world.usersCapped`): whether each is a user is for getUser to say.
 */
export function traceWithUnlisted(address: string, world: RoutingWorld): { trace: RouteTrace; unlisted: string[] } {
  const normalized = address.trim().toLowerCase();
  const tracer = new Tracer(world);
  tracer.route(normalized, 0, []);
  const trace = {
    address: normalized,
    steps: tracer.steps,
    mailboxes: [...tracer.mailboxes],
    external: [...tracer.external],
    bounced: [...tracer.bounced],
    loopDetected: tracer.loopDetected,
  };
  return { trace, unlisted: [...tracer.unlisted] };
}
