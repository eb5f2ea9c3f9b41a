import * as dgram from 'node:dgram';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createUdpMxResolver } from '../../src/adapters/dns/udp-mx-resolver.ts';
import { createSandboxDnsProvider } from '../../src/adapters/local-dns-provider/sandbox-dns-provider.ts';
import { PurelyMailHttpClient } from '../../src/adapters/purelymail/purelymail-http-client.ts';
import { startDnsServer, type DnsServer } from '../../src/local/dns-server/dns-server.ts';
import { SEED_OWNERSHIP_CODE, SEED_PENDING_DOMAIN } from '../../src/local/purelymail-sandbox/sandbox-seed.ts';
import { startSandbox, type Sandbox } from '../../src/local/purelymail-sandbox/sandbox-server.ts';
import type { SandboxDnsRecord } from '../../src/local/purelymail-sandbox/sandbox-dns-record.ts';
import { makeDnsCutover } from '../../src/modules/dns-cutover/dns-cutover.ts';
import { makePurelymailMxVerdict } from '../../src/modules/dns-cutover/purelymail-mx-verdict.ts';
import { DnsProviderError } from '../../src/modules/dns-cutover/errors.ts';

const DOMAIN = SEED_PENDING_DOMAIN;
const clock = { now: () => new Date('2026-12-07T06:00:00Z') };

/** The old host's zone: its MX, an SPF, a verification TXT, PurelyMail's ownership proof, a DMARC TXT and a web address. */
const oldZone: SandboxDnsRecord[] = [
  { name: DOMAIN, type: 'A', value: '192.0.2.20' },
  { name: DOMAIN, type: 'MX', value: 'mx1.oldhost.net', priority: 10 },
  { name: DOMAIN, type: 'MX', value: 'mx2.oldhost.net', priority: 20 },
  { name: DOMAIN, type: 'TXT', value: SEED_OWNERSHIP_CODE },
  { name: DOMAIN, type: 'TXT', value: 'v=spf1 include:spf.oldhost.net ~all' },
  { name: DOMAIN, type: 'TXT', value: 'google-site-verification=xyz' },
  { name: `_dmarc.${DOMAIN}`, type: 'TXT', value: 'v=DMARC1; p=none' },
];

/**
 * The sandbox's DNS as the provider, over its real HTTP control routes, read back through two loopback DNS servers
 * (two resolvers, as "several public resolvers" are on AWS) with our own UDP queries.
 */
describe('DNS cutover on the sandbox DNS, watched through the loopback DNS server', () => {
  let sandbox: Sandbox;
  let dns: DnsServer[];
  let purelymail: PurelyMailHttpClient;
  const cutover = () =>
    makeDnsCutover({
      provider: createSandboxDnsProvider({ baseUrl: sandbox.url }),
      resolvers: dns.map((d) => createUdpMxResolver(d.server, { timeoutMs: 1_000 })),
      purelymailMxVerdict: makePurelymailMxVerdict(purelymail),
      clock,
    });

  beforeAll(async () => {
    sandbox = await startSandbox({ token: 'cutover-token', seed: true });
    dns = await Promise.all([startDnsServer({ records: () => sandbox.dns.list() }), startDnsServer({ records: () => sandbox.dns.list() })]);
    purelymail = new PurelyMailHttpClient({ baseUrl: sandbox.url, token: sandbox.token, maxRetries: 0 });
  });
  afterAll(async () => {
    await Promise.all(dns.map((d) => d.close()));
    await sandbox.close();
  });
  beforeEach(() => {
    sandbox.dns.replaceZone(DOMAIN, oldZone);
  });

  it('reads the old MX and its TTL from the authoritative answer, asking every resolver', async () => {
    const old = await cutover().oldMx(DOMAIN);
    // The loopback server is authoritative for its records and publishes them with a 60 s TTL.
    expect(old).toEqual({ hosts: ['mx1.oldhost.net', 'mx2.oldhost.net'], ttlSeconds: 60, ttlFrom: 'authoritative', readAt: '2026-12-07T06:00:00.000Z', asked: 2, answered: 2, error: null });
    expect(await cutover().oldMx('nothing-here.example')).toMatchObject({ hosts: [], ttlSeconds: null, answered: 2, error: null });
  });

  it('plans, applies, watches MX switch everywhere (and PurelyMail agree), then rolls back to the old zone exactly', async () => {
    // Prepare: the domain is added to the PurelyMail account (its ownership TXT is published).
    await purelymail.addDomain({ domainName: DOMAIN });
    const c = cutover();
    const before = await c.watch(DOMAIN);
    expect(before.resolvers).toEqual(dns.map((d) => ({ resolver: d.server, mx: ['mx1.oldhost.net', 'mx2.oldhost.net'], purelymail: false, error: null })));
    expect(before).toMatchObject({ everywhere: false, asked: 2, purelymailVerdict: false });

    // Act 1: plan
    const plan = await c.plan(DOMAIN, SEED_OWNERSHIP_CODE);
    expect(plan.provider).toEqual({ kind: 'sandbox', zone: DOMAIN });
    expect(plan.providerError).toBeNull();
    expect(plan.changeSet!.map((ch) => `${ch.action} ${ch.name} ${ch.type}`)).toEqual([
      `DELETE _dmarc.${DOMAIN} TXT`,
      `UPSERT ${DOMAIN} MX`,
      `UPSERT ${DOMAIN} TXT`,
      ...[1, 2, 3].map((i) => `UPSERT purelymail${i}._domainkey.${DOMAIN} CNAME`),
      `UPSERT _dmarc.${DOMAIN} CNAME`,
    ]);
    // The fragment's SPF is the published one with PurelyMail's include added.
    expect(plan.bind).toContain('"v=spf1 include:spf.oldhost.net include:_spf.purelymail.com ~all"');

    // Act 2: apply
    const applied = await c.apply(DOMAIN, SEED_OWNERSHIP_CODE);
    expect(applied.provider).toBe('sandbox');
    expect(applied.saved.filter((s) => s.existed).map((s) => `${s.name} ${s.type}`)).toEqual([`_dmarc.${DOMAIN} TXT`, `${DOMAIN} MX`, `${DOMAIN} TXT`]);
    expect(sandbox.dns.zone(DOMAIN)).toEqual(
      expect.arrayContaining([
        { name: DOMAIN, type: 'A', value: '192.0.2.20' },
        { name: DOMAIN, type: 'MX', value: 'mailserver.purelymail.com', priority: 10 },
        { name: DOMAIN, type: 'TXT', value: 'google-site-verification=xyz' },
        { name: DOMAIN, type: 'TXT', value: 'v=spf1 include:spf.oldhost.net include:_spf.purelymail.com ~all' },
        { name: `_dmarc.${DOMAIN}`, type: 'CNAME', value: 'dmarcroot.purelymail.com' },
      ]),
    );
    expect(sandbox.dns.zone(DOMAIN).filter((r) => r.type === 'MX' || r.name === `_dmarc.${DOMAIN}`)).toHaveLength(2);
    expect(await c.plan(DOMAIN, SEED_OWNERSHIP_CODE)).toMatchObject({ changeSet: [] });

    // Act 3: watch, through the real DNS servers
    const after = await c.watch(DOMAIN);
    expect(after.resolvers.map((r) => [r.mx, r.purelymail, r.error])).toEqual([
      [['mailserver.purelymail.com'], true, null],
      [['mailserver.purelymail.com'], true, null],
    ]);
    expect(after).toMatchObject({ everywhere: true, asked: 2, purelymailVerdict: true });

    // Act 4: roll back
    await c.rollback(DOMAIN, applied.saved);
    const sorted = (records: SandboxDnsRecord[]) => [...records].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    expect(sorted(sandbox.dns.zone(DOMAIN))).toEqual(sorted(oldZone));
    expect((await c.watch(DOMAIN)).everywhere).toBe(false);
  });

  it('says a resolver did not answer instead of failing, and MX is not "everywhere" then', async () => {
    // A UDP socket that never answers: a resolver behind a firewall.
    const silent = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    try {
      sandbox.dns.replaceZone(DOMAIN, [...oldZone.filter((r) => r.type !== 'MX'), { name: DOMAIN, type: 'MX', value: 'mailserver.purelymail.com', priority: 10 }]);
      const silentServer = `127.0.0.1:${silent.address().port}`;
      const c = makeDnsCutover({ provider: null, resolvers: [createUdpMxResolver(dns[0]!.server), createUdpMxResolver(silentServer, { timeoutMs: 200, tries: 1 })], clock });
      const watch = await c.watch(DOMAIN);
      expect(watch.resolvers).toEqual([
        { resolver: dns[0]!.server, mx: ['mailserver.purelymail.com'], purelymail: true, error: null },
        { resolver: silentServer, mx: [], purelymail: false, error: `${silentServer} did not answer within 0.2 s` },
      ]);
      expect(watch).toMatchObject({ everywhere: false, asked: 2, purelymailVerdict: null });
      const onlySilent = makeDnsCutover({ provider: null, resolvers: [createUdpMxResolver(silentServer, { timeoutMs: 200, tries: 1 })], clock });
      expect(await onlySilent.oldMx(DOMAIN)).toMatchObject({ hosts: [], ttlSeconds: null, ttlFrom: null, asked: 1, answered: 0, error: `No resolver answered (${silentServer} did not answer within 0.2 s).` });
      // Without a provider: the fragment, no change set; applying is refused in words.
      expect(await onlySilent.plan(DOMAIN, null)).toMatchObject({ provider: null, changeSet: null, providerError: null });
      await expect(onlySilent.apply(DOMAIN, null)).rejects.toThrow(`The DNS zone of ${DOMAIN} is not one the panel may change, so it cannot apply the records. Publish the records shown yourself.`);
    } finally {
      silent.close();
    }
  });

  it('reports an unreachable sandbox as a DnsProviderError', async () => {
    const c = makeDnsCutover({ provider: createSandboxDnsProvider({ baseUrl: 'http://127.0.0.1:9', timeoutMs: 500 }), resolvers: [], clock });
    await expect(c.apply(DOMAIN, null)).rejects.toThrow(DnsProviderError);
    await expect(c.apply(DOMAIN, null)).rejects.toThrow(/^The sandbox's DNS could not be read \(the sandbox at http:\/\/127\.0\.0\.1:9 is not reachable/);
  });
});
