import type { DomainDetail } from '@app/shared';
import { findDomain } from './domain-detail.ts';
import type { DomainsDeps } from './domains-deps.ts';
import { cachedDomains, refreshDomains } from './refresh-domains.ts';

/**
 * "Re-check DNS now": the one place a person makes PurelyMail look at DNS again.
 *
 * 1. 404 unless the domain is in the cached list.
 * 2. updateDomainSettings `{name, recheckDns: true}`.
 * 3. A fresh listDomains (the new verdict only shows there), written through to the cache.
 * 4. Our own lookups, so the page shows both sides as they are now.
 */
export const makeRecheckDomainDns =
  (deps: DomainsDeps, detail: (name: string, fresh: Awaited<ReturnType<typeof refreshDomains>>) => Promise<DomainDetail>) =>
  async (name: string): Promise<DomainDetail> => {
    findDomain((await cachedDomains(deps, await deps.cache.read())).domains, name);
    await deps.purelymail.updateDomainSettings({ name, recheckDns: true });
    return detail(name, await refreshDomains(deps));
  };
