import { RULE_UNDO_MINUTES, type RoutingOverview } from '@app/shared';
import { ruleIdentity } from '../pending-actions/target-identity.ts';
import { pendingByTarget } from '../domains/domain-view.ts';
import type { RoutingDeps } from './routing-deps.ts';
import { routingSnapshot } from './routing-snapshot.ts';
import { toRuleView } from './rule-view.ts';
import { compareNames } from '../compare-names.ts';

/**
 * The routing page: every rule in words, the domains rules can be made for, and users for autocomplete.
 *
 * 1. Read rules, domains and users from the cache, and the scheduled rule deletions.
 * 2. Describe each rule; sort by domain, then the most specific match first (as PurelyMail picks them).
 * 3. The rules `viewer` created in the last RULE_UNDO_MINUTES carry the time until which they may undo them.
 */
export const makeGetRoutingOverview = (deps: RoutingDeps) => async (viewer: string): Promise<RoutingOverview> => {
  const windowMs = RULE_UNDO_MINUTES * 60_000;
  const since = new Date(deps.clock.now().getTime() - windowMs).toISOString();
  const [snap, pending, recent] = await Promise.all([routingSnapshot(deps), deps.pendingActions.listPending(), deps.undo.createdSince(since)]);
  const undoable = new Map(recent.filter((u) => u.createdBy === viewer).map((u) => [u.ruleId, u]));
  const undoUntil = (r: (typeof snap.rules)[number]) => {
    const u = undoable.get(r.id);
    return u && u.identity === ruleIdentity(r) ? new Date(Date.parse(u.createdAt) + windowMs).toISOString() : null;
  };
  const scheduled = pendingByTarget(pending, 'delete-routing-rule');
  const rank = (r: { prefix: boolean; matchUser: string }) => (r.prefix ? 1_000 - r.matchUser.length : 0);
  const rules = [...snap.rules].sort((a, b) => compareNames(a.domainName, b.domainName) || rank(a) - rank(b) || compareNames(a.matchUser, b.matchUser));
  return {
    rules: rules.map((r) => toRuleView(r, scheduled, undoUntil(r))),
    domains: snap.domains.map((d) => d.name.toLowerCase()).sort(),
    users: [...snap.users.addresses].sort(),
    syncedAt: snap.syncedAt,
    unreadable: snap.unreadableRules,
  };
};
