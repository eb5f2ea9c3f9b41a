import type { Clock } from '../../platform/clock.ts';
import type { CacheStore } from '../cache/ports.ts';
import type { DnsLookup } from '../dns/ports.ts';
import type { PendingActionRequester } from '../pending-actions/ports.ts';
import type { PurelyMail } from '../purelymail/ports.ts';

/** The ports the domain use cases share. */
export interface DomainsDeps {
  purelymail: PurelyMail;
  cache: CacheStore;
  clock: Clock;
  /** Our own resolver (configurable servers), never PurelyMail's. */
  dnsLookup: DnsLookup;
  pendingActions: PendingActionRequester;
  /** DNS health tracking: a domain just added is checked in the next tier run (never-checked first). */
  dnsHealth?: { track(domain: string): Promise<void>; noteManualRecheck(domain: string, at: string): Promise<void> };
  /** PURELYMAIL_OWNERSHIP_TOKEN: used when getOwnershipCode cannot be asked. */
  ownershipCodeFallback?: string | undefined;
}
