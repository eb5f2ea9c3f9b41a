import type { DnsRecordCheck, DomainDetail, DomainDnsSummary } from '@app/shared';
import { lostAnswer, PurelyMailUnavailableError, PurelyMailWriteUnconfirmedError } from '../purelymail/errors.ts';
import { findDomain } from './domain-detail.ts';
import type { DomainsDeps } from './domains-deps.ts';
import { cachedDomains, refreshDomains, type DomainListing } from './refresh-domains.ts';

const sameSummary = (a: DomainDnsSummary, b: DomainDnsSummary) =>
  a.passesMx === b.passesMx && a.passesSpf === b.passesSpf && a.passesDkim === b.passesDkim && a.passesDmarc === b.passesDmarc;

/** PurelyMail's verdict on a record agrees with what our own lookup finds published (unknown counts as not). */
const agrees = (r: DnsRecordCheck) => r.purelymailVerdict === null || (r.status !== 'error' && (r.status === 'ok') === r.purelymailVerdict);

/**
 * "Re-check DNS now": the one place a person makes PurelyMail look at DNS again.
 *
 * 1. 404 unless the domain is in the cached list.
 * 2. updateDomainSettings `{name, recheckDns: true}`.
 * 3. A fresh listDomains (the new verdict only shows there), written through to the cache.
 * 4. Our own lookups, so the page shows both sides as they are now.
 * 5. If the recheck's answer was lost (a timeout), it is never sent again blindly: the fresh verdict decides.
 *    Changed, or in line with what is published now: it took effect, and the page says so. Unchanged and
 *    still at odds with what is published: it did not (503 saying so). No fresh list: it cannot be told.
 * 6. A recheck that took effect is kept with the domain's DNS health ("Last checked" after a reload).
 */
export const makeRecheckDomainDns =
  (deps: DomainsDeps, detail: (name: string, fresh: DomainListing) => Promise<DomainDetail>) =>
  async (name: string): Promise<DomainDetail> => {
    const before = findDomain((await cachedDomains(deps, await deps.cache.read())).domains, name);
    let lost: PurelyMailUnavailableError | undefined;
    try {
      await deps.purelymail.updateDomainSettings({ name, recheckDns: true });
    } catch (err) {
      if (!(err instanceof PurelyMailUnavailableError)) throw err;
      lost = err;
    }
    const result = lost ? await verifyLostRecheck(deps, detail, name, before.dnsSummary, lost) : await detail(name, await refreshDomains(deps));
    await deps.dnsHealth?.noteManualRecheck(name, result.report.checkedAt);
    return result;
  };

async function verifyLostRecheck(
  deps: DomainsDeps,
  detail: (name: string, fresh: DomainListing) => Promise<DomainDetail>,
  name: string,
  before: DomainDnsSummary,
  err: PurelyMailUnavailableError,
): Promise<DomainDetail> {
  const lead = lostAnswer(err);
  let now: DomainDetail;
  try {
    now = await detail(name, await refreshDomains(deps));
  } catch (checkError) {
    throw new PurelyMailWriteUnconfirmedError(`${lead}, and whether the re-check took effect could not be checked. Refresh in a minute to see.`, 'unknown', { cause: checkError });
  }
  if (!sameSummary(before, now.domain.dnsSummary)) return { ...now, notice: `${lead}; it did take effect: PurelyMail's verdict changed.` };
  if (now.report.records.every(agrees)) {
    return { ...now, notice: `${lead}; its verdict matches what is published now, so the re-check did take effect or had nothing to change.` };
  }
  throw new PurelyMailWriteUnconfirmedError(
    `${lead}; it did not take effect: PurelyMail's verdict is unchanged and still differs from what is published. Try again in a minute.`,
    'not-done',
    { cause: err },
  );
}
