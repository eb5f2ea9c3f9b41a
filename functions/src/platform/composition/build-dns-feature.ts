import { createDynamoDnsHealthStore } from '../../adapters/dynamodb/dynamodb-dns-health-store.ts';
import type { Table } from '../../adapters/dynamodb/table.ts';
import type { Audit } from '../../modules/audit/audit.ts';
import type { CacheStore } from '../../modules/cache/ports.ts';
import type { DnsLookup } from '../../modules/dns/ports.ts';
import { DEFAULT_DNS_HEALTH_POLICY } from '../../modules/dns-health/dns-health-policy.ts';
import { makeDnsHealth, type DnsHealth } from '../../modules/dns-health/dns-health.ts';
import { makeDomains, type DomainsModule } from '../../modules/domains/domains.ts';
import type { Notifier } from '../../modules/notifications/notifier.ts';
import type { PendingActions } from '../../modules/pending-actions/pending-actions.ts';
import type { PurelyMail } from '../../modules/purelymail/ports.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../logger.ts';

/** What domains and DNS health take from the rest of the app (built first, by buildAppDeps). */
export interface DnsFeatureCore {
  table: Table;
  purelymail: PurelyMail;
  cache: CacheStore;
  dnsLookup: DnsLookup;
  notify: Notifier;
  audit: Audit;
  pendingActions: PendingActions;
  clock: Clock;
  logger: Logger;
  dnsTierBatch: number;
  ownershipCodeFallback?: string;
}

/** Domains (add, verify, DNS detail, delete) and the tiered DNS health checks. */
export interface DnsFeature {
  dnsHealth: DnsHealth;
  domains: DomainsModule;
}

/** A module of its own so the AWS root can load it on first use (see aws.ts). */
export function buildDnsFeature(core: DnsFeatureCore): DnsFeature {
  const dnsHealth = makeDnsHealth({
    store: createDynamoDnsHealthStore(core.table),
    purelymail: core.purelymail,
    cache: core.cache,
    lookup: core.dnsLookup,
    notify: core.notify,
    audit: core.audit,
    clock: core.clock,
    logger: core.logger,
    policy: { ...DEFAULT_DNS_HEALTH_POLICY, batch: core.dnsTierBatch },
  });
  const domains = makeDomains({
    purelymail: core.purelymail,
    cache: core.cache,
    clock: core.clock,
    dnsLookup: core.dnsLookup,
    pendingActions: core.pendingActions,
    dnsHealth,
    ownershipCodeFallback: core.ownershipCodeFallback,
  });
  return { dnsHealth, domains };
}
