import type { DomainDetail, OwnershipCode } from '@app/shared';
import { NotFoundError } from '../errors.ts';
import { diagnoseDomain } from '../dns/diagnose-domain.ts';
import type { ApiDomainInfo } from '../purelymail/purelymail-types.ts';
import { countUsersByDomain, pendingByTarget, toDomain } from './domain-view.ts';
import type { DomainsDeps } from './domains-deps.ts';
import { cachedDomains } from './refresh-domains.ts';

export function findDomain(domains: readonly ApiDomainInfo[], name: string): ApiDomainInfo {
  const found = domains.find((d) => d.name.toLowerCase() === name);
  if (!found) {
    throw new NotFoundError(`${name} is not on your PurelyMail account. If it was added elsewhere a moment ago, use “Refresh from PurelyMail” on the dashboard.`);
  }
  return found;
}

/**
 * A domain's detail: PurelyMail's verdict as last read, beside our own lookups of what is published now.
 *
 * 1. Read the cache (domain, users) and the scheduled deletions; 404 when the domain is not on the account.
 * 2. Get the ownership code (null if PurelyMail cannot be asked and no fallback is configured).
 * 3. Diagnose every expected record with our own resolver.
 */
export const makeGetDomainDetail =
  (deps: DomainsDeps, ownershipCode: () => Promise<OwnershipCode>) =>
  async (name: string, fresh?: { domains: ApiDomainInfo[]; syncedAt: string }): Promise<DomainDetail> => {
    const [snapshot, pending] = await Promise.all([deps.cache.read(), deps.pendingActions.listPending()]);
    const { domains, syncedAt } = fresh ?? (await cachedDomains(deps, snapshot));
    const info = findDomain(domains, name);
    const code = await ownershipCode().then(
      (c) => c.code,
      () => null,
    );
    const report = await diagnoseDomain({ domain: info.name, ownershipCode: code, lookup: deps.dnsLookup, summary: info.dnsSummary, now: deps.clock.now() });
    const domain = toDomain(info, countUsersByDomain(snapshot.users), pendingByTarget(pending, 'delete-domain'));
    return { domain, report, syncedAt };
  };
