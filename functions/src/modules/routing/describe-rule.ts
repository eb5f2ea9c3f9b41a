import type { RoutingPreset } from '@app/shared';
import type { RoutingRule } from '../purelymail/purelymail-types.ts';

type RuleShape = Pick<RoutingRule, 'domainName' | 'prefix' | 'matchUser'> & { catchall?: boolean | undefined };

/** The wire fields of each preset (reference §2.4, checked live by vic1707). */
export function presetFields(preset: RoutingPreset, matchUser: string): { prefix: boolean; matchUser: string; catchall: boolean } {
  switch (preset) {
    case 'exact':
      return { prefix: false, matchUser, catchall: false };
    case 'prefix':
      return { prefix: true, matchUser, catchall: false };
    case 'any':
      return { prefix: true, matchUser: '', catchall: false };
    case 'catchall':
      return { prefix: true, matchUser: '', catchall: true };
  }
}

/** Which preset a stored rule is, or null for field combinations the presets cannot make (other tools can). */
export function presetOf(rule: RuleShape): RoutingPreset | null {
  if (!rule.prefix) return !rule.catchall && rule.matchUser !== '' ? 'exact' : null;
  if (rule.matchUser === '') return rule.catchall ? 'catchall' : 'any';
  return rule.catchall ? null : 'prefix';
}

/**
 * What a rule matches, in words.
 * @example describeMatch({ domainName: 'x.com', prefix: false, matchUser: 'info', catchall: false }) // "info@x.com"
 */
export function describeMatch(rule: RuleShape): string {
  const notUser = rule.catchall ? ' that is not a user' : '';
  if (!rule.prefix) return rule.catchall ? `${rule.matchUser}@${rule.domainName} (only while it is not a user)` : `${rule.matchUser}@${rule.domainName}`;
  if (rule.matchUser === '') return `any address at ${rule.domainName}${notUser}`;
  return `any address at ${rule.domainName} starting with “${rule.matchUser}”${notUser}`;
}

/** "info@x.com → a@y.com, b@z.org" */
export function describeRule(rule: RuleShape & Pick<RoutingRule, 'targetAddresses'>): string {
  return `${describeMatch(rule)} → ${rule.targetAddresses.join(', ') || '(nowhere)'}`;
}

/** PurelyMail's uniqueness key: domain + match + prefix; `catchall` and targets do not count (reference §2.4). */
export function sameSlot(a: RuleShape, b: RuleShape): boolean {
  return a.domainName.toLowerCase() === b.domainName.toLowerCase() && a.matchUser.toLowerCase() === b.matchUser.toLowerCase() && a.prefix === b.prefix;
}
