import { makeAddDomain } from './add-domain.ts';
import { makeGetDomainDetail } from './domain-detail.ts';
import type { DomainsDeps } from './domains-deps.ts';
import { makeListDomains } from './list-domains.ts';
import { makeGetOwnershipCode } from './ownership-code.ts';
import { makeRecheckDomainDns } from './recheck-domain-dns.ts';
import { makeRequestDomainDeletion } from './request-domain-deletion.ts';
import { makeUpdateDomainSettings } from './update-domain-settings.ts';

/**
 * The domains capability: list and detail read the cache plus our own DNS lookups; only add, settings,
 * "re-check DNS now" and the deletion request talk to PurelyMail.
 */
export function makeDomains(deps: DomainsDeps) {
  const ownershipCode = makeGetOwnershipCode({ purelymail: deps.purelymail, clock: deps.clock, fallback: deps.ownershipCodeFallback });
  const detail = makeGetDomainDetail(deps, ownershipCode);
  return {
    list: makeListDomains(deps),
    detail: (name: string) => detail(name),
    ownershipCode,
    add: makeAddDomain(deps, ownershipCode),
    updateSettings: makeUpdateDomainSettings(deps),
    recheckDns: makeRecheckDomainDns(deps, detail),
    requestDeletion: makeRequestDomainDeletion(deps),
  };
}
export type DomainsModule = ReturnType<typeof makeDomains>;
