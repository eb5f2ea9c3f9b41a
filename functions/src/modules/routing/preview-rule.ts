import type { RulePreview, RulePreviewQuery } from '@app/shared';
import type { RoutingRule } from '../purelymail/purelymail-types.ts';
import { userExists } from '../users/user-listing.ts';
import { presetFields } from './describe-rule.ts';
import type { RoutingDeps } from './routing-deps.ts';
import { routingSnapshot } from './routing-snapshot.ts';
import { traceInSnapshot } from './trace-address.ts';
import { pickRule, traceRoute } from './trace-route.ts';

/** A rule not saved yet has no id; any id PurelyMail never gives works (ids are positive). */
const UNSAVED_RULE_ID = -1;
/** Mailboxes named in the verdict; the count covers the rest. */
export const LOSING_SHOWN = 20;

/**
 * The route simulator's verdict on a rule before it is saved (the rule dialog shows it): the same simulator as
 * "where does mail go?", run over the cached rules with the proposed rule added (or in place of the one edited).
 *
 * 1. The addresses the rule could take: the listed users its match covers, and its address for a one-address rule.
 * 2. Each is traced today and with the rule; a mailbox that receives its mail today and would not with the rule
 *    is "losing" (the rule takes its mail elsewhere).
 * 3. For a one-address rule, the trace with the rule in place (getUser asked where the user list is capped).
 */
export const makePreviewRule = (deps: RoutingDeps) => async (q: RulePreviewQuery): Promise<RulePreview> => {
  const snap = await routingSnapshot(deps);
  const domain = q.domainName.toLowerCase();
  const proposed: RoutingRule = {
    id: q.replacing ?? UNSAVED_RULE_ID,
    domainName: domain,
    ...presetFields(q.preset, q.matchUser),
    targetAddresses: q.targets.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean),
  };
  const withRule = [...snap.rules.filter((r) => r.id !== q.replacing), proposed];
  const exact = q.preset === 'exact' ? `${q.matchUser}@${domain}` : null;
  const trace = exact ? await traceInSnapshot(deps, snap, exact, withRule) : null;

  const users = snap.users.addresses.map((u) => u.toLowerCase());
  const isUser = new Set(users);
  // A user beyond a capped list: only getUser can say.
  if (exact && !isUser.has(exact) && snap.users.capped && (await userExists(deps.purelymail, exact))) isUser.add(exact);
  const covered = [...isUser].filter((u) => {
    const at = u.lastIndexOf('@');
    return u.slice(at + 1) === domain && pickRule([proposed], domain, u.slice(0, at), true) !== undefined;
  });
  const world = { users: isUser, domains: snap.domains };
  const losing = covered
    .filter((address) => traceRoute(address, { ...world, rules: snap.rules }).mailboxes.includes(address) && !traceRoute(address, { ...world, rules: withRule }).mailboxes.includes(address))
    .sort();
  return { trace, losing: losing.slice(0, LOSING_SHOWN), losingCount: losing.length, usersCapped: snap.users.capped };
};
