import type { RoutingRuleView, ScheduledDeletion } from '@app/shared';
import type { RoutingRule } from '../purelymail/purelymail-types.ts';
import type { CacheStore } from '../cache/ports.ts';
import type { Clock } from '../../platform/clock.ts';
import { describeMatch, describeRule, presetOf } from './describe-rule.ts';

export function toRuleView(rule: RoutingRule, pending: Map<string, ScheduledDeletion>): RoutingRuleView {
  return { ...rule, targetAddresses: [...rule.targetAddresses], preset: presetOf(rule), matches: describeMatch(rule), label: describeRule(rule), pendingDeletion: pending.get(String(rule.id)) ?? null };
}

/** Writes a fresh rule list through to the cache, so the page shows our change without a refresh. */
export async function writeRulesThrough(deps: { cache: CacheStore; clock: Clock }, rules: RoutingRule[]): Promise<void> {
  await deps.cache.putRules(rules, deps.clock.now().toISOString());
}
