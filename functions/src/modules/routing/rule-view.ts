import type { RoutingRuleView, ScheduledDeletion } from '@app/shared';
import type { ListRoutingRulesResult, RoutingRule } from '../purelymail/purelymail-types.ts';
import type { CacheStore } from '../cache/ports.ts';
import type { Clock } from '../../platform/clock.ts';
import { describeMatch, describeRule, presetOf } from './describe-rule.ts';

export function toRuleView(rule: RoutingRule, pending: Map<string, ScheduledDeletion>, undoUntil: string | null = null): RoutingRuleView {
  return { ...rule, targetAddresses: [...rule.targetAddresses], preset: presetOf(rule), matches: describeMatch(rule), label: describeRule(rule), pendingDeletion: pending.get(String(rule.id)) ?? null, undoUntil };
}

/** Writes a fresh rule list (with its count of unreadable rules) through to the cache, so the page shows our change without a refresh. */
export async function writeRulesThrough(deps: { cache: CacheStore; clock: Clock }, listing: ListRoutingRulesResult): Promise<void> {
  await deps.cache.putRules(listing.rules, deps.clock.now().toISOString(), listing.unreadable);
}
