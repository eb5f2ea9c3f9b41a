import { ROUTING_RULE_CONFLICT, type RoutingRuleInput } from '@app/shared';
import { ConflictError, ValidationError } from '../errors.ts';
import type { ApiDomainInfo, CreateRoutingRuleRequest, RoutingRule } from '../purelymail/purelymail-types.ts';
import { describeMatch, describeRule, presetFields, sameSlot } from './describe-rule.ts';

/**
 * Turns checked input into the exact createRoutingRule request, refusing what PurelyMail would refuse
 * (or worse, accept silently) before anything is sent:
 * - a domain that is not on the account (400, on `domainName`);
 * - a rule in the same slot (domain + match + prefix) as another one (409 naming that rule).
 * `ignoreId` leaves out the rule being edited.
 */
export function checkRule(input: RoutingRuleInput, domains: readonly ApiDomainInfo[], rules: readonly RoutingRule[], ignoreId?: number): CreateRoutingRuleRequest {
  if (!domains.some((d) => d.name.toLowerCase() === input.domainName)) {
    throw new ValidationError(`${input.domainName} is not a domain on your PurelyMail account. Add the domain first.`, [
      { path: 'domainName', message: 'is not a domain on your PurelyMail account' },
    ]);
  }
  const request: CreateRoutingRuleRequest = { domainName: input.domainName, ...presetFields(input.preset, input.matchUser), targetAddresses: input.targetAddresses };
  const clash = rules.find((r) => r.id !== ignoreId && sameSlot(r, request));
  if (clash) {
    const both = request.matchUser === '' && request.prefix ? ' A domain can have only one rule for any address: either it catches every address, or only the ones that are not users.' : '';
    throw new ConflictError(`This collides with the existing rule ${describeRule(clash)}: PurelyMail allows one rule for ${describeMatch({ ...request, catchall: false })}.${both} Edit that rule instead.`, ROUTING_RULE_CONFLICT);
  }
  return request;
}

/** True when `rule` is what `request` would create (PurelyMail gives no id back, so we find it by content). */
export function isRuleFor(rule: RoutingRule, request: CreateRoutingRuleRequest): boolean {
  return (
    sameSlot(rule, request) &&
    rule.catchall === (request.catchall ?? false) &&
    rule.targetAddresses.length === request.targetAddresses.length &&
    rule.targetAddresses.every((t, i) => t.toLowerCase() === request.targetAddresses[i]!.toLowerCase())
  );
}
