import { lostAnswer, PurelyMailUnavailableError, PurelyMailWriteUnconfirmedError } from './errors.ts';

/**
 * Runs a write; if its answer is lost (a timeout, a broken connection, an error page), asks PurelyMail whether
 * it took effect before calling it a failure. Returns null when PurelyMail answered, a notice for the admin
 * ("PurelyMail did not answer in time; it did take effect.") when the check found it done, and throws
 * PurelyMailWriteUnconfirmedError when the check found it not done, or could not be made.
 *
 * @example
 * const notice = await verifiedWrite(() => pm.addDomain({ domainName }), async () => (await pm.listDomains()).domains.some((d) => d.name === domainName));
 */
export async function verifiedWrite(write: () => Promise<void>, tookEffect: () => Promise<boolean>): Promise<string | null> {
  try {
    await write();
    return null;
  } catch (err) {
    if (!(err instanceof PurelyMailUnavailableError)) throw err;
    const lead = lostAnswer(err);
    let done: boolean;
    try {
      done = await tookEffect();
    } catch (checkError) {
      throw new PurelyMailWriteUnconfirmedError(`${lead}, and whether it took effect could not be checked. Refresh in a minute to see, before trying again.`, 'unknown', { cause: checkError });
    }
    if (done) return `${lead}; it did take effect.`;
    throw new PurelyMailWriteUnconfirmedError(`${lead}; it did not take effect (checked just now). Nothing was changed; try again.`, 'not-done', { cause: err });
  }
}
