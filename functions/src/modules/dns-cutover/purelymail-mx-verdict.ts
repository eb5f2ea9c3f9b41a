import { normalizeDnsName } from '../dns/dns-name.ts';
import type { PurelyMail } from '../purelymail/ports.ts';

/**
 * PurelyMail's own MX verdict for a domain, fresh: `updateDomainSettings({recheckDns})` (its dnsSummary is otherwise
 * as of its last periodic check), then `listDomains`. null when the domain is not on the account or PurelyMail
 * cannot be asked: the watch says "unknown" rather than guess. Two calls per watch (every few minutes during a switch).
 */
export function makePurelymailMxVerdict(purelymail: PurelyMail): (domain: string) => Promise<boolean | null> {
  return async (domain) => {
    const name = normalizeDnsName(domain);
    try {
      await purelymail.updateDomainSettings({ name, recheckDns: true }).catch(() => undefined);
      const { domains } = await purelymail.listDomains();
      return domains.find((d) => normalizeDnsName(d.name) === name)?.dnsSummary.passesMx ?? null;
    } catch {
      return null;
    }
  };
}
