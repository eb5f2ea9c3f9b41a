import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../support/test-runtime.ts';
import { startDnsHealthHarness, zone, type DnsHealthHarness } from './dns-health-harness.ts';

const MIN = 60_000;

describe('tiered DNS rechecks (fake clock, sandbox over HTTP, dynalite, loopback DNS)', () => {
  let h: DnsHealthHarness;
  let clock: FakeClock;
  const start = async (policy: { batch?: number } = {}) => {
    clock = new FakeClock(Date.parse('2026-11-21T09:00:00Z'));
    h = await startDnsHealthHarness({ clock, policy });
    return h;
  };
  const get = async (domain: string) => (await h.store.get(domain))!;
  const minutesUntilNext = async (domain: string) => (Date.parse((await get(domain)).nextCheckAt) - clock.now().getTime()) / MIN;
  afterEach(async () => h?.close());

  it('new domains enter the first tier and are rechecked at once, at most `batch` per run, then one listDomains', async () => {
    // Prepare
    await start({ batch: 2 });
    for (const d of ['a.test', 'b.test', 'c.test', 'd.test', 'e.test']) await h.addDomain(d);
    await h.syncDomainCache();
    // Act
    const first = await h.dnsHealth.runTier();
    // Assess
    expect(first.added.sort()).toEqual(['a.test', 'b.test', 'c.test', 'd.test', 'e.test']);
    expect(first.rechecked).toHaveLength(2);
    expect(h.calls).toEqual(['updateDomainSettings', 'updateDomainSettings', 'listDomains']);
    expect((await h.sandbox.requests()).filter((r) => r.op === 'updateDomainSettings').map((r) => r.body)).toEqual(first.rechecked.map((name) => ({ name, recheckDns: true })));
    await h.dnsHealth.runTier();
    await h.dnsHealth.runTier();
    expect(h.calls).toHaveLength(3 + 3 + 2);
    expect((await h.dnsHealth.list()).every((d) => d.status === 'healthy')).toBe(true);
    // Nothing due now: a run costs PurelyMail nothing.
    h.calls.length = 0;
    await h.dnsHealth.runTier();
    expect(h.calls).toEqual([]);
  });

  it('healthy domains are rechecked once a day', async () => {
    await start();
    await h.addDomain('fine.test');
    await h.syncDomainCache();
    await h.dnsHealth.runTier();
    expect(await minutesUntilNext('fine.test')).toBe(24 * 60);
    h.calls.length = 0;
    for (let i = 0; i < 23; i++) {
      clock.advance(60 * MIN);
      await h.dnsHealth.runTier();
    }
    expect(h.calls).toEqual([]);
    clock.advance(60 * MIN);
    await h.dnsHealth.runTier();
    expect(h.calls).toEqual(['updateDomainSettings', 'listDomains']);
  });

  it('failing domains come back after 30 minutes, backing off to the ceiling setting', async () => {
    // Prepare
    await start();
    await h.addDomain('broken.test', { broken: true });
    await h.syncDomainCache();
    const settings = await h.dnsHealth.getSettings();
    await h.dnsHealth.updateSettings({ failingCeilingMinutes: 180, version: settings.version });
    // Act + Assess: each recheck doubles the wait, capped at 180.
    const waits: number[] = [];
    await h.dnsHealth.runTier();
    for (let i = 0; i < 5; i++) {
      const wait = await minutesUntilNext('broken.test');
      waits.push(wait);
      clock.advance((wait - 1) * MIN);
      h.calls.length = 0;
      await h.dnsHealth.runTier();
      expect(h.calls).toEqual([]); // not due a minute early
      clock.advance(MIN);
      await h.dnsHealth.runTier();
      expect(h.calls).toEqual(['updateDomainSettings', 'listDomains']);
    }
    expect(waits).toEqual([30, 60, 120, 180, 180]);
    const record = await get('broken.test');
    expect(record).toMatchObject({ status: 'failing', failingCount: 2, failingStreak: 6, summary: { passesMx: false, passesDkim: false, passesSpf: true, passesDmarc: true } });
    // A new domain that fails from the start is not news: no audit entry, no email.
    expect(await h.auditEntries()).toEqual([]);
    expect(h.emails).toEqual([]);
  });

  it('our own lookups catch a break on a healthy domain within one own-check interval, then audit and notify once', async () => {
    // Prepare
    await start();
    await h.addDomain('shop.test');
    await h.syncDomainCache();
    await h.dnsHealth.runTier();
    h.calls.length = 0;
    // Act: the zone breaks; the next own check (20 min) sees it and escalates to a PurelyMail recheck.
    h.sandbox.dns.replaceZone('shop.test', zone('shop.test', { broken: true }));
    clock.advance(10 * MIN);
    await h.dnsHealth.runTier();
    expect(h.calls).toEqual([]);
    clock.advance(10 * MIN);
    const run = await h.dnsHealth.runTier();
    // Assess
    expect(run.escalated).toEqual(['shop.test']);
    expect(run.transitions).toEqual([{ domain: 'shop.test', to: 'failing', failing: ['MX', 'DKIM'] }]);
    expect(await get('shop.test')).toMatchObject({ status: 'failing', failingSince: clock.now().toISOString() });
    const [entry] = await h.auditEntries();
    expect(entry).toMatchObject({ actor: 'system', action: 'dns.break', target: 'shop.test', result: 'ok', details: 'PurelyMail reports failing: MX, DKIM' });
    expect(h.emails.map((e) => [e.to, e.subject])).toEqual([['admin@example.com', 'DNS problem on shop.test']]);

    // And back: fixed, noticed by the next own check (or the 30-minute failing recheck, whichever is first).
    h.sandbox.dns.replaceZone('shop.test', zone('shop.test'));
    clock.advance(20 * MIN);
    const back = await h.dnsHealth.runTier();
    expect(back.transitions).toEqual([{ domain: 'shop.test', to: 'healthy', failing: [] }]);
    expect((await h.auditEntries()).map((e) => e.action)).toEqual(['dns.recover', 'dns.break']);
    expect(h.emails.map((e) => e.subject)).toEqual(['DNS problem on shop.test', 'DNS fixed on shop.test']);
  });

  it('two runs delivered at once for the same change: one state change, one audit entry, one email', async () => {
    await start();
    await h.addDomain('dup.test');
    await h.syncDomainCache();
    await h.dnsHealth.runTier();
    h.sandbox.dns.replaceZone('dup.test', zone('dup.test', { broken: true }));
    clock.advance(20 * MIN);
    // Act
    const [a, b] = await Promise.all([h.dnsHealth.runTier(), h.dnsHealth.runTier()]);
    // Assess
    expect([...a.transitions, ...b.transitions]).toHaveLength(1);
    expect((await h.auditEntries()).filter((e) => e.action === 'dns.break')).toHaveLength(1);
    expect(h.emails).toHaveLength(1);
  });

  it('a PurelyMail outage during a run leaves every domain as it was; the next run retries', async () => {
    // Prepare
    await start();
    for (const d of ['one.test', 'two.test']) await h.addDomain(d);
    await h.syncDomainCache();
    await h.dnsHealth.runTier();
    clock.advance(24 * 60 * MIN);
    const before = await h.dnsHealth.list();
    h.sandbox.injectFault({ op: 'listDomains', status: 503, count: 1 });
    // Act
    const failed = await h.dnsHealth.runTier();
    // Assess
    expect(failed.outage).toMatch(/unavailable/);
    expect(await h.dnsHealth.list()).toEqual(before);
    const retried = await h.dnsHealth.runTier();
    expect(retried.outage).toBeUndefined();
    expect(retried.rechecked.sort()).toEqual(['one.test', 'two.test']);
  });

  it("one domain's refusal, whatever shape its error body has, never stops the run for the others", async () => {
    // Prepare
    await start();
    for (const d of ['aaa.test', 'bbb.test', 'ccc.test']) await h.addDomain(d);
    await h.syncDomainCache();
    // The first due domain's recheck is refused with an error body whose code and message are not strings,
    // the second's with a bare 404 (no envelope).
    h.sandbox.injectFault({ op: 'updateDomainSettings', status: 200, body: JSON.stringify({ type: 'error', code: { unexpected: true }, message: 7 }) });
    h.sandbox.injectFault({ op: 'updateDomainSettings', status: 404, body: 'Not Found' });
    // Act
    const run = await h.dnsHealth.runTier();
    // Assess: no outage; every domain got PurelyMail's (fresh) verdict.
    expect(run.outage).toBeUndefined();
    expect(run.rechecked.sort()).toEqual(['aaa.test', 'bbb.test', 'ccc.test']);
  });

  it('a domain PurelyMail lists unreadably is left as it was, not dropped as deleted', async () => {
    // Prepare
    await start();
    for (const d of ['keep.test', 'odd.test']) await h.addDomain(d);
    await h.syncDomainCache();
    await h.dnsHealth.runTier();
    clock.advance(24 * 60 * MIN);
    const domain = (name: string, dnsSummary: unknown) => ({ name, allowAccountReset: true, symbolicSubaddressing: true, isShared: false, dnsSummary });
    const summary = { passesMx: true, passesSpf: true, passesDkim: true, passesDmarc: true };
    h.sandbox.injectFault({ op: 'listDomains', status: 200, body: JSON.stringify({ type: 'success', result: { domains: [domain('keep.test', summary), domain('odd.test', null)] } }) });
    // Act
    const run = await h.dnsHealth.runTier();
    // Assess
    expect(run.removed).toEqual([]);
    expect(run.rechecked).toEqual(['keep.test']);
    expect((await h.dnsHealth.list()).map((r) => r.domain).sort()).toEqual(['keep.test', 'odd.test']);
    // The next tier run's reconcile reads the cached list, which has one unreadable domain: still kept.
    const next = await h.dnsHealth.runTier();
    expect(next.removed).toEqual([]);
  });

  it('a deleted domain leaves the tiers; reading health never calls PurelyMail', async () => {
    await start();
    for (const d of ['keep.test', 'gone.test']) await h.addDomain(d);
    await h.syncDomainCache();
    await h.dnsHealth.runTier();
    await h.client.deleteDomain({ name: 'gone.test' });
    await h.syncDomainCache();
    const run = await h.dnsHealth.runTier();
    expect(run.removed).toEqual(['gone.test']);
    h.sandbox.clearRequests();
    expect((await h.dnsHealth.list()).map((d) => d.domain)).toEqual(['keep.test']);
    expect(h.sandbox.requests()).toEqual([]);
  });
});
