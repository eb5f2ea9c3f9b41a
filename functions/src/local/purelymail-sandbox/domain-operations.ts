import type { DomainInfo } from '../../modules/purelymail/purelymail-types.ts';
import { computeDnsSummary, hasOwnershipProof } from './dns-summary.ts';
import { SandboxApiError } from './sandbox-api-error.ts';
import type { SandboxContext } from './sandbox-context.ts';
import type { SandboxDomain } from './sandbox-state.ts';
import type { WireRequest } from './wire-requests.ts';

const lookup = (ctx: SandboxContext) => ctx.dns.lookup.bind(ctx.dns);

function ownedDomain(ctx: SandboxContext, name: string): SandboxDomain {
  if (ctx.behaviour.sharedDomains.includes(name)) {
    throw new SandboxApiError(ctx.behaviour.errorCodes.sharedDomainReadOnly, 'Shared domains cannot be modified');
  }
  const domain = ctx.state.domains[name];
  if (!domain) throw new SandboxApiError(ctx.behaviour.errorCodes.domainNotFound, 'Domain not found');
  return domain;
}

/** Needs only the ownership TXT at the apex; MX/SPF/DKIM/DMARC may be missing (flags come out false). */
export function addDomain(ctx: SandboxContext, req: WireRequest<'addDomain'>): object {
  const name = req.domainName.trim().toLowerCase();
  if (ctx.state.domains[name] || ctx.behaviour.sharedDomains.includes(name)) {
    throw new SandboxApiError(ctx.behaviour.errorCodes.domainAlreadyExists, 'Domain already exists');
  }
  if (!hasOwnershipProof(lookup(ctx), name, ctx.state.ownershipCode)) {
    throw new SandboxApiError(
      ctx.behaviour.errorCodes.domainOwnershipFailed,
      `DNS ownership checks did not pass. Add a TXT record at ${name} with the value from getOwnershipCode.`,
    );
  }
  ctx.state.domains[name] = { allowAccountReset: true, symbolicSubaddressing: true, dnsSummary: computeDnsSummary(lookup(ctx), name) };
  return {};
}

export function getOwnershipCode(ctx: SandboxContext): object {
  return { code: ctx.state.ownershipCode };
}

export function listDomains(ctx: SandboxContext, req: WireRequest<'listDomains'>): object {
  const owned: DomainInfo[] = Object.entries(ctx.state.domains)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, d]) => ({ name, allowAccountReset: d.allowAccountReset, symbolicSubaddressing: d.symbolicSubaddressing, isShared: false, dnsSummary: { ...d.dnsSummary } }));
  if (!req.includeShared) return { domains: owned };
  const shared: DomainInfo[] = ctx.behaviour.sharedDomains.map((name) => ({
    name,
    allowAccountReset: false,
    symbolicSubaddressing: true,
    isShared: true,
    dnsSummary: { passesMx: true, passesSpf: true, passesDkim: true, passesDmarc: true },
  }));
  return { domains: [...owned, ...shared] };
}

export function updateDomainSettings(ctx: SandboxContext, req: WireRequest<'updateDomainSettings'>): object {
  const name = req.name.toLowerCase();
  const domain = ownedDomain(ctx, name);
  if (req.allowAccountReset !== undefined) domain.allowAccountReset = req.allowAccountReset;
  if (req.symbolicSubaddressing !== undefined) domain.symbolicSubaddressing = req.symbolicSubaddressing;
  if (req.recheckDns) domain.dnsSummary = computeDnsSummary(lookup(ctx), name);
  return {};
}

/** Cascades to the domain's users (spec) and, by default, its routing rules. DNS is untouched: it is not PurelyMail's. */
export function deleteDomain(ctx: SandboxContext, req: WireRequest<'deleteDomain'>): object {
  const name = req.name.toLowerCase();
  ownedDomain(ctx, name);
  delete ctx.state.domains[name];
  for (const address of Object.keys(ctx.state.users)) {
    if (address.endsWith(`@${name}`)) delete ctx.state.users[address];
  }
  if (ctx.behaviour.deleteDomainRemovesRules) ctx.state.rules = ctx.state.rules.filter((r) => r.domainName !== name);
  return {};
}

/** PurelyMail's own periodic DNS check, for every owned domain. */
export function recheckAllDomains(ctx: SandboxContext): void {
  for (const [name, domain] of Object.entries(ctx.state.domains)) domain.dnsSummary = computeDnsSummary(lookup(ctx), name);
}
