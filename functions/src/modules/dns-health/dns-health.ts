import type { DnsHealthSettings, DomainDnsHealth, UpdateDnsHealthSettingsInput } from '@app/shared';
import { DEFAULT_FAILING_CEILING_MINUTES } from './dns-health-policy.ts';
import type { DnsHealthRecord } from './ports.ts';
import { uncheckedRecord } from './reconcile-domains.ts';
import { makeRunDnsTier, type DnsTierDeps } from './run-dns-tier.ts';
import { compareNames } from '../compare-names.ts';

const toPublic = ({ ownFingerprint: _f, nextOwnCheckAt: _n, ...rest }: DnsHealthRecord): DomainDnsHealth => rest;

/**
 * The DNS health capability: the tier run (scheduled), the stored per-domain health (read by pages, which
 * never call PurelyMail for DNS), the backoff ceiling setting, and `track`/`untrack` for a domain just added or deleted.
 */
export function makeDnsHealth(deps: Omit<DnsTierDeps, 'ceilingMinutes'>) {
  const getSettings = async (): Promise<DnsHealthSettings> => (await deps.store.getSettings()) ?? { failingCeilingMinutes: DEFAULT_FAILING_CEILING_MINUTES, version: 0 };
  return {
    runTier: makeRunDnsTier({ ...deps, ceilingMinutes: async () => (await getSettings()).failingCeilingMinutes }),
    async list(): Promise<DomainDnsHealth[]> {
      return (await deps.store.listAll()).map(toPublic).sort((a, b) => compareNames(a.domain, b.domain));
    },
    /** Puts a newly added domain in the first tier now instead of at the next reconcile. */
    async track(domain: string): Promise<void> {
      await deps.store.create(uncheckedRecord(domain.toLowerCase(), deps.clock.now()));
    },
    /** Drops a deleted domain now instead of at the next reconcile. */
    async untrack(domain: string): Promise<void> {
      await deps.store.remove(domain.toLowerCase());
    },
    getSettings,
    async updateSettings(input: UpdateDnsHealthSettingsInput): Promise<DnsHealthSettings> {
      const next = { failingCeilingMinutes: input.failingCeilingMinutes, version: input.version + 1 };
      await deps.store.saveSettings(next, input.version);
      return next;
    },
  };
}
export type DnsHealth = ReturnType<typeof makeDnsHealth>;
