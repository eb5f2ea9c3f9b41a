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
    /**
     * Keeps the time of an admin's "Re-check DNS now" with the domain's health, so "Last checked" shows it after
     * a reload. A version-conditional write, retried when a tier run moved the record meanwhile; a domain not
     * tracked yet is tracked with it.
     */
    async noteManualRecheck(domain: string, at: string): Promise<void> {
      const name = domain.toLowerCase();
      for (let attempt = 0; attempt < 3; attempt++) {
        const record = await deps.store.get(name);
        if (!record) {
          if (await deps.store.create({ ...uncheckedRecord(name, deps.clock.now()), lastManualCheckAt: at })) return;
          continue;
        }
        if (record.lastManualCheckAt && record.lastManualCheckAt >= at) return;
        if (await deps.store.replace({ ...record, lastManualCheckAt: at, version: record.version + 1 }, record.version)) return;
      }
      deps.logger.warn('the time of a manual DNS re-check was not kept: the health record kept changing', { domain: name });
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
