import type { DnsProviderKind, DnsRecordSet } from '@app/shared/schemas/dns-cutover';

export interface MxHost {
  exchange: string;
  priority: number;
}

export interface MxAnswer {
  /** Empty when the domain has no MX (NXDOMAIN or no MX record). */
  hosts: MxHost[];
  /** The smallest TTL of the MX records in the answer; null when there were none. */
  ttlSeconds: number | null;
  /** The zone's own server answered (its TTL is the configured one, not what is left of a cached copy). */
  authoritative: boolean;
}

/** One resolver the panel asks itself (dns-packet over UDP): a public resolver on AWS, the loopback DNS server locally. */
export interface MxResolver {
  /** How the admin sees it, e.g. "1.1.1.1" or "127.0.0.1:5353". */
  readonly label: string;
  /** The MX as this resolver answers it. Rejects (timeout, SERVFAIL, refused…) with a message in plain words. */
  mx(domain: string): Promise<MxAnswer>;
  /**
   * The MX as the domain's own nameservers say it (found through this resolver): the TTL as configured.
   * null when no nameserver could be found or asked.
   */
  authoritativeMx(domain: string): Promise<MxAnswer | null>;
}

/**
 * A DNS host the panel may change records at: a Route 53 hosted zone, or the sandbox's DNS locally.
 * Record sets are provider-neutral (see DnsRecordSet); the adapter converts to its own form.
 */
export interface DnsProvider {
  readonly kind: DnsProviderKind;
  /** The zone (its apex name) that holds `domain`'s records, or null when this provider does not manage it. */
  zoneFor(domain: string): string | null;
  /** The MX, TXT and CNAME record sets at exactly these names (other types are left out). */
  read(zone: string, names: readonly string[]): Promise<DnsRecordSet[]>;
  /**
   * Applies the changes in one batch (all or nothing where the provider can): UPSERT replaces the record set of that
   * name and type, DELETE removes it (`recordSet` is the set as it is now). Returns the provider's change id.
   */
  change(zone: string, changes: readonly ProviderChange[], comment: string): Promise<{ changeId: string | null }>;
}

export interface ProviderChange {
  action: 'UPSERT' | 'DELETE';
  recordSet: DnsRecordSet;
}
