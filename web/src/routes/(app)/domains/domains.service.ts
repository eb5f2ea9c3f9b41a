import { AddedDomain, DnsHealthList, Domain, DomainDetail, DomainList, OwnershipCode, QueuedDeletion, type DomainDnsHealth, type UpdateDomainSettingsInput } from '@app/shared';
import { api } from '$lib/api/client.ts';

const path = (name: string) => `/api/domains/${encodeURIComponent(name)}`;
/** The automatic (tiered) rechecks' stored state per domain; reading it never calls PurelyMail. */
const dnsHealth = () => api.get('/api/dns-health', DnsHealthList);

/** Domains: list and detail read the panel's cache and its own DNS lookups; re-check asks PurelyMail. */
export const domainsService = {
  list: () => api.get('/api/domains', DomainList),
  detail: (name: string) => api.get(path(name), DomainDetail),
  ownershipCode: () => api.get('/api/domains/ownership-code', OwnershipCode),
  add: (name: string) => api.post('/api/domains', { name }, AddedDomain),
  updateSettings: (name: string, input: UpdateDomainSettingsInput) => api.put(`${path(name)}/settings`, input, Domain),
  recheckDns: (name: string) => api.post(`${path(name)}/recheck-dns`, undefined, DomainDetail),
  requestDeletion: (name: string) => api.del(path(name), QueuedDeletion),
  dnsHealth,
  /**
   * The rechecks' state by domain name. It is extra to the pages that show it: when it cannot be read they say
   * "First check in the next run", so a failure gives an empty map.
   */
  healthByDomain: async (): Promise<Map<string, DomainDnsHealth>> =>
    new Map((await dnsHealth().catch(() => ({ domains: [] }))).domains.map((h) => [h.domain, h])),
};

/** "@" for the apex, else the part an admin types in most DNS panels ("purelymail1._domainkey"). */
export function relativeHost(host: string, domain: string): string {
  if (host === domain) return '@';
  return host.endsWith(`.${domain}`) ? host.slice(0, -(domain.length + 1)) : host;
}
