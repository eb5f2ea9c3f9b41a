import type { RoutingRule } from '../../modules/purelymail/purelymail-types.ts';
import { SandboxApiError } from './sandbox-api-error.ts';
import type { SandboxContext } from './sandbox-context.ts';
import type { WireRequest } from './wire-requests.ts';

function sameTargets(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((t, i) => t === b[i]);
}

/**
 * Uniqueness key is (domain, matchUser, prefix); `catchall` does not count. An identical re-create
 * is a silent no-op (vic1707 live matrix). matchUser is not checked to be a bare local part.
 */
export function createRoutingRule(ctx: SandboxContext, req: WireRequest<'createRoutingRule'>): object {
  const domainName = req.domainName.toLowerCase();
  if (!ctx.state.domains[domainName]) throw new SandboxApiError(ctx.behaviour.errorCodes.domainNotFound, 'Domain not found');
  const candidate: Omit<RoutingRule, 'id'> = {
    domainName,
    prefix: req.prefix,
    matchUser: req.matchUser,
    targetAddresses: [...req.targetAddresses],
    catchall: req.catchall ?? false,
  };
  const clash = ctx.state.rules.find(
    (r) =>
      r.domainName === domainName &&
      r.matchUser === candidate.matchUser &&
      (r.prefix === candidate.prefix || ctx.behaviour.exactAndPrefixConflict),
  );
  if (clash) {
    const identical = clash.prefix === candidate.prefix && clash.catchall === candidate.catchall && sameTargets(clash.targetAddresses, candidate.targetAddresses);
    if (identical) return {};
    throw new SandboxApiError(ctx.behaviour.errorCodes.ruleAlreadyExists, 'Routing rule conflicts with an existing rule');
  }
  ctx.state.rules.push({ id: ctx.state.nextRuleId, ...candidate });
  ctx.state.nextRuleId += 1;
  return {};
}

export function deleteRoutingRule(ctx: SandboxContext, req: WireRequest<'deleteRoutingRule'>): object {
  const remaining = ctx.state.rules.filter((r) => r.id !== req.routingRuleId);
  if (remaining.length === ctx.state.rules.length) {
    throw new SandboxApiError(ctx.behaviour.errorCodes.routingRuleNotFound, 'Routing rule not found');
  }
  ctx.state.rules = remaining;
  return {};
}

export function listRoutingRules(ctx: SandboxContext): object {
  return { rules: ctx.state.rules.map((r) => ({ ...r, targetAddresses: [...r.targetAddresses] })) };
}
