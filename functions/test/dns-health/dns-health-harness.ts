import { createDynamoAuditStore } from '../../src/adapters/dynamodb/dynamodb-audit-store.ts';
import { createDynamoCacheStore } from '../../src/adapters/dynamodb/dynamodb-cache-store.ts';
import { createDynamoDnsHealthStore } from '../../src/adapters/dynamodb/dynamodb-dns-health-store.ts';
import { createDynamoNotificationSendStore } from '../../src/adapters/dynamodb/dynamodb-notification-send-store.ts';
import { createDynamoNotificationSettingsStore } from '../../src/adapters/dynamodb/dynamodb-notification-settings-store.ts';
import { startLocalDynamo } from '../../src/adapters/dynamodb/local-dynalite.ts';
import { NodeDnsLookup } from '../../src/adapters/dns/node-dns-lookup.ts';
import { PurelyMailHttpClient } from '../../src/adapters/purelymail/purelymail-http-client.ts';
import { startDnsServer } from '../../src/local/dns-server/dns-server.ts';
import type { SandboxDnsRecord } from '../../src/local/purelymail-sandbox/sandbox-dns-record.ts';
import { SEED_OWNERSHIP_CODE } from '../../src/local/purelymail-sandbox/sandbox-seed.ts';
import { startSandbox } from '../../src/local/purelymail-sandbox/sandbox-server.ts';
import { makeAudit } from '../../src/modules/audit/audit.ts';
import { DEFAULT_DNS_HEALTH_POLICY, type DnsHealthPolicy } from '../../src/modules/dns-health/dns-health-policy.ts';
import { makeDnsHealth } from '../../src/modules/dns-health/dns-health.ts';
import type { DnsHealthRecord } from '../../src/modules/dns-health/ports.ts';
import { makeMailSettings } from '../../src/modules/notifications/mail-settings.ts';
import { makeNotifier } from '../../src/modules/notifications/notifier.ts';
import type { OutgoingEmail } from '../../src/modules/notifications/ports.ts';
import type { PurelyMail } from '../../src/modules/purelymail/ports.ts';
import type { Clock } from '../../src/platform/clock.ts';
import { createJsonLogger } from '../../src/platform/logger.ts';

const TOKEN = 'dns-health-harness-token';

/** Every record PurelyMail expects; `broken` drops the MX and DKIM records (a typical botched zone move). */
export function zone(domain: string, opts: { broken?: boolean } = {}): SandboxDnsRecord[] {
  const records: SandboxDnsRecord[] = [
    { name: domain, type: 'TXT', value: SEED_OWNERSHIP_CODE },
    { name: domain, type: 'TXT', value: 'v=spf1 include:_spf.purelymail.com ~all' },
    { name: domain, type: 'MX', value: 'mailserver.purelymail.com', priority: 10 },
    ...[1, 2, 3].map((i): SandboxDnsRecord => ({ name: `purelymail${i}._domainkey.${domain}`, type: 'CNAME', value: `key${i}.dkimroot.purelymail.com` })),
    { name: `_dmarc.${domain}`, type: 'CNAME', value: 'dmarcroot.purelymail.com' },
  ];
  return opts.broken ? records.filter((r) => r.type !== 'MX' && !r.name.includes('._domainkey.')) : records;
}

/**
 * The DNS health capability wired as in production, on real engines: dynalite, the PurelyMail sandbox over
 * HTTP, our own lookups through a loopback DNS server that serves the sandbox's simulated DNS.
 */
export async function startDnsHealthHarness(opts: { clock: Clock; policy?: Partial<DnsHealthPolicy> }) {
  const dynamo = await startLocalDynamo({ tableName: 'dns-health' });
  const sandbox = await startSandbox({ token: TOKEN, seed: false });
  const dnsServer = await startDnsServer({ records: () => sandbox.dns.list() });
  const client = new PurelyMailHttpClient({ baseUrl: sandbox.url, token: TOKEN, sleep: async () => {}, maxRetries: 0 });
  const calls: string[] = [];
  const purelymail: Pick<PurelyMail, 'updateDomainSettings' | 'listDomains'> = {
    updateDomainSettings: (input) => (calls.push('updateDomainSettings'), client.updateDomainSettings(input)),
    listDomains: (input) => (calls.push('listDomains'), client.listDomains(input)),
  };
  const { table } = dynamo;
  const logger = createJsonLogger({ level: 'silent' });
  const store = createDynamoDnsHealthStore(table);
  const cache = createDynamoCacheStore(table);
  const auditStore = createDynamoAuditStore(table);
  const audit = makeAudit({ store: auditStore, clock: opts.clock });
  const emails: OutgoingEmail[] = [];
  const notify = makeNotifier({
    mailer: { send: async (e) => void emails.push(e) },
    sends: createDynamoNotificationSendStore(table),
    admins: { emails: async () => ['admin@example.com'] },
    mailSettings: makeMailSettings({ store: createDynamoNotificationSettingsStore(table), defaultFrom: 'panel@example.com' }),
    clock: opts.clock,
    logger,
    panelUrl: 'http://panel.test',
  });
  const dnsHealth = makeDnsHealth({
    store,
    purelymail,
    cache,
    lookup: new NodeDnsLookup({ servers: [dnsServer.server], timeoutMs: 1_000, tries: 1 }),
    notify,
    audit,
    clock: opts.clock,
    logger,
    policy: { ...DEFAULT_DNS_HEALTH_POLICY, ...opts.policy },
  });
  return {
    sandbox,
    client,
    table,
    store,
    audit,
    emails,
    dnsHealth,
    /** PurelyMail calls made by the tier runs (setup calls go through `client` and are not counted). */
    calls,
    /** Publishes the zone and adds the domain on PurelyMail (whose dnsSummary reflects the zone). */
    async addDomain(domain: string, opts: { broken?: boolean } = {}) {
      sandbox.dns.replaceZone(domain, zone(domain, opts));
      await client.addDomain({ domainName: domain });
    },
    /** What a cache refresh would store (not counted: the cache refresh has its own schedule). */
    async syncDomainCache() {
      await cache.putDomains((await client.listDomains({ includeShared: false })).domains, new Date().toISOString());
    },
    /** Seeds a tracked domain's health directly (a steady state, as after earlier days of runs). */
    seed: (record: DnsHealthRecord) => store.create(record),
    async auditEntries() {
      return (await audit.query({ limit: 200 })).entries;
    },
    async close() {
      await dnsServer.close();
      await sandbox.close();
      await dynamo.close();
    },
  };
}
export type DnsHealthHarness = Awaited<ReturnType<typeof startDnsHealthHarness>>;
