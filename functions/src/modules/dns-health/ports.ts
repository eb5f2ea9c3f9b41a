import type { DnsHealthSettings, DomainDnsHealth } from '@app/shared';

/** The stored health of one domain: the public view plus what the tier run needs to detect changes. */
export interface DnsHealthRecord extends DomainDnsHealth {
  /** A digest of our own lookups' verdicts; a change escalates the domain to a PurelyMail recheck. */
  ownFingerprint: string | null;
  nextOwnCheckAt: string;
}

export interface DnsHealthStore {
  /** Every tracked domain (one Query on the health index; bounded by the account's domain count). */
  listAll(): Promise<DnsHealthRecord[]>;
  get(domain: string): Promise<DnsHealthRecord | undefined>;
  /** Conditional put: creates the record only when the domain is not tracked yet. */
  create(record: DnsHealthRecord): Promise<boolean>;
  /** Conditional put on `version`: false when someone else moved the record first. */
  replace(record: DnsHealthRecord, expectedVersion: number): Promise<boolean>;
  remove(domain: string): Promise<void>;
  getSettings(): Promise<DnsHealthSettings | undefined>;
  /** Optimistic locking on `version` (0 = never saved); ConflictError when stale. */
  saveSettings(settings: DnsHealthSettings, expectedVersion: number): Promise<void>;
}
