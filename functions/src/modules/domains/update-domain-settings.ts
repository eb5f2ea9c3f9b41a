import type { Domain, UpdateDomainSettingsInput } from '@app/shared';
import { findDomain } from './domain-detail.ts';
import { countUsersByDomain, pendingByTarget, toDomain } from './domain-view.ts';
import type { DomainsDeps } from './domains-deps.ts';
import { cachedDomains, refreshDomains } from './refresh-domains.ts';

/**
 * Changes "allow account reset" and/or "symbolic subaddressing".
 *
 * 1. 404 unless the domain is in the cached list (no PurelyMail call for a typo).
 * 2. updateDomainSettings with `name` (not `domainName`: PurelyMail would ignore it) and only the changed flags.
 * 3. Re-list, write through, return the domain as PurelyMail now has it.
 */
export const makeUpdateDomainSettings = (deps: DomainsDeps) => async (name: string, input: UpdateDomainSettingsInput): Promise<Domain> => {
  const snapshot = await deps.cache.read();
  findDomain((await cachedDomains(deps, snapshot)).domains, name);
  await deps.purelymail.updateDomainSettings({ name, ...input });
  const [{ domains }, pending] = await Promise.all([refreshDomains(deps), deps.pendingActions.listPending()]);
  return toDomain(findDomain(domains, name), countUsersByDomain(snapshot.users), pendingByTarget(pending, 'delete-domain'));
};
