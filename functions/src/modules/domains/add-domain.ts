import { OWNERSHIP_NOT_VERIFIED, type AddedDomain, type OwnershipCode } from '@app/shared';
import { ConflictError } from '../errors.ts';
import { PurelyMailApiError } from '../purelymail/errors.ts';
import { verifiedWrite } from '../purelymail/verified-write.ts';
import type { DomainsDeps } from './domains-deps.ts';
import { countUsersByDomain, toDomain } from './domain-view.ts';
import { findDomain } from './domain-detail.ts';
import { refreshDomains } from './refresh-domains.ts';

/** PurelyMail's texts (reference §1.5); their codes were never recorded, so we match the words. */
const OWNERSHIP_FAILED = /ownership/i;
const ALREADY_EXISTS = /already exists/i;

/**
 * Adds a domain to the PurelyMail account.
 *
 * 1. Call addDomain; PurelyMail checks the ownership TXT at the apex itself. If its answer is lost (a timeout),
 *    listDomains tells whether it took effect before anything is reported (never a blind retry).
 * 2. If it refuses for the TXT, say exactly which record to publish and what our resolver sees there now.
 * 3. Re-list the domains, write them through to the cache (as a new life: see below), and return the new one.
 * 4. Start tracking its DNS health now (best effort: the next tier run's reconcile would add it anyway).
 */
export const makeAddDomain = (deps: DomainsDeps, ownershipCode: () => Promise<OwnershipCode>) => async (name: string): Promise<AddedDomain> => {
  let notice: string | null;
  try {
    notice = await verifiedWrite(
      () => deps.purelymail.addDomain({ domainName: name }),
      async () => (await deps.purelymail.listDomains({ includeShared: false })).domains.some((d) => d.name.toLowerCase() === name),
    );
  } catch (err) {
    if (err instanceof PurelyMailApiError && ALREADY_EXISTS.test(err.message)) {
      throw new ConflictError(`${name} is already on your PurelyMail account.`, 'domain_exists', { cause: err });
    }
    if (err instanceof PurelyMailApiError && OWNERSHIP_FAILED.test(err.message)) {
      throw new ConflictError(await ownershipAdvice(deps, name, ownershipCode), OWNERSHIP_NOT_VERIFIED, { cause: err });
    }
    throw err;
  }
  // PurelyMail just accepted it, so it was not on the account a moment ago: a cached entry is an earlier life
  // (deleted outside the panel, no sync since). Dropping it makes the re-list below record a new first-seen
  // time, so a deletion requested for the old life is skipped instead of deleting this one (checklist DA-3 c).
  await deps.cache.removeDomain(name).catch(() => undefined);
  const { domains } = await refreshDomains(deps);
  await deps.dnsHealth?.track(name).catch(() => undefined);
  const snapshot = await deps.cache.read();
  const domain = toDomain(findDomain(domains, name), countUsersByDomain(snapshot.users), new Map());
  return notice ? { ...domain, notice } : domain;
};

async function ownershipAdvice(deps: DomainsDeps, name: string, ownershipCode: () => Promise<OwnershipCode>): Promise<string> {
  const code = await ownershipCode().then(
    (c) => c.code,
    () => null,
  );
  const publish = code
    ? `Publish a TXT record at ${name} (host “@”) with the value ${code}`
    : `Publish the ownership TXT record (the value shown under “Ownership record”) at ${name}`;
  const seen = await deps.dnsLookup.txt(name).then(
    (values) => values.filter((v) => v.startsWith('purelymail_ownership_proof=')),
    () => undefined,
  );
  const now =
    seen === undefined
      ? ''
      : seen.length === 0
        ? ' Right now our DNS lookup finds no ownership record there.'
        : ` Right now our DNS lookup finds ${seen.join(', ')} there, which is not your account's value.`;
  return `PurelyMail could not find the ownership record for ${name}. ${publish}, wait a few minutes for DNS to update, then add the domain again.${code && seen?.includes(code) ? ' Our lookup already sees it, so PurelyMail should too in a moment.' : now}`;
}
