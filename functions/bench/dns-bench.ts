/**
 * `npm run bench:dns`: 24 simulated hours of tiered DNS rechecks on a fake clock, against the PurelyMail
 * sandbox over HTTP, dynalite and a loopback DNS server. 50 domains: 43 healthy, 5 failing, 2 new (on
 * PurelyMail, never checked). At hour 3 one failing domain is fixed; at hour 6 one healthy domain breaks.
 * Each change is applied just after a tier run, the worst moment for detection.
 *
 * Prints PurelyMail calls made by the tier runs, the naive approach's count for the same day (every
 * 60-second dashboard refresh rechecks every domain: N updateDomainSettings + listDomains + one more
 * read = N + 2 calls), their ratio, and the worst delay between a break and the panel showing it.
 */
import { addMinutes } from '../src/modules/dns-health/dns-health-policy.ts';
import type { DnsHealthRecord } from '../src/modules/dns-health/ports.ts';
import { FakeClock } from '../test/support/test-runtime.ts';
import { startDnsHealthHarness, zone } from '../test/dns-health/dns-health-harness.ts';

const HOUR = 3_600_000;
const RUN_EVERY_MINUTES = 10;
const DAY_MINUTES = 24 * 60;
const t0 = Date.parse('2026-11-21T00:00:00Z');
const clock = new FakeClock(t0);
const h = await startDnsHealthHarness({ clock });

const names = Array.from({ length: 50 }, (_, i) => `d${String(i + 1).padStart(2, '0')}.bench.example`);
const healthy = names.slice(0, 43);
const failing = names.slice(43, 48);
const fresh = names.slice(48);
for (const d of names) await h.addDomain(d, { broken: failing.includes(d) });
await h.syncDomainCache();

// Steady state before the day starts: healthy domains were last rechecked spread over the previous 24 h,
// failing ones within the last hour (first backoff step). The two new domains are not tracked yet.
const summaries = new Map((await h.client.listDomains()).domains.map((d) => [d.name, d.dnsSummary]));
const base = (domain: string): Omit<DnsHealthRecord, 'status' | 'failingCount' | 'lastCheckedAt' | 'nextCheckAt' | 'failingStreak' | 'failingSince'> => ({
  domain,
  summary: summaries.get(domain)!,
  ownFailing: null,
  lastManualCheckAt: null,
  lastOwnCheckAt: null,
  version: 1,
  ownFingerprint: null,
  nextOwnCheckAt: new Date(t0).toISOString(),
});
for (const [i, d] of healthy.entries()) {
  const last = new Date(t0 - (DAY_MINUTES * 60_000 * (i + 0.5)) / healthy.length);
  await h.seed({ ...base(d), status: 'healthy', failingCount: 0, lastCheckedAt: last.toISOString(), nextCheckAt: addMinutes(last, DAY_MINUTES), failingStreak: 0, failingSince: null });
}
for (const [i, d] of failing.entries()) {
  const last = new Date(t0 - 10 * 60_000 * (i + 1));
  await h.seed({ ...base(d), status: 'failing', failingCount: 2, lastCheckedAt: last.toISOString(), nextCheckAt: addMinutes(last, 30), failingStreak: 1, failingSince: new Date(t0 - 2 * HOUR).toISOString() });
}

const events = [
  { at: t0 + 3 * HOUR, domain: failing[0]!, broken: false },
  { at: t0 + 6 * HOUR, domain: healthy[0]!, broken: true },
];
const changedAt = new Map<string, number>();
const delays: { domain: string; to: string; minutes: number }[] = [];
let runs = 0;
let ownChecks = 0;

for (let minute = 0; minute < DAY_MINUTES; minute += RUN_EVERY_MINUTES) {
  if (minute > 0) clock.advance(RUN_EVERY_MINUTES * 60_000);
  const result = await h.dnsHealth.runTier();
  runs++;
  ownChecks += result.ownChecked;
  for (const [domain, at] of changedAt) {
    const wanted = events.find((e) => e.domain === domain)!.broken ? 'failing' : 'healthy';
    if ((await h.store.get(domain))?.status === wanted) {
      delays.push({ domain, to: wanted, minutes: (clock.now().getTime() - at) / 60_000 });
      changedAt.delete(domain);
    }
  }
  for (const e of events.filter((e) => e.at === clock.now().getTime())) {
    h.sandbox.dns.replaceZone(e.domain, zone(e.domain, { broken: e.broken }));
    changedAt.set(e.domain, e.at);
  }
}

const calls = h.calls.length;
const naive = DAY_MINUTES * (names.length + 2);
const ratio = calls / naive;
const tracked = await h.dnsHealth.list();
const breaks = delays.filter((d) => d.to === 'failing');
const worst = breaks.length === events.filter((e) => e.broken).length ? Math.max(...breaks.map((d) => d.minutes)) : Number.POSITIVE_INFINITY;
console.log(`tier runs: ${runs} (every ${RUN_EVERY_MINUTES} min), own lookups: ${ownChecks} domain checks (free)`);
console.log(`PurelyMail calls: ${h.calls.filter((c) => c === 'updateDomainSettings').length} updateDomainSettings + ${h.calls.filter((c) => c === 'listDomains').length} listDomains`);
console.log(`tracked at the end: ${tracked.length} (${tracked.filter((t) => t.status === 'failing').length} failing, ${tracked.filter((t) => t.status === 'unchecked').length} unchecked); new domains checked: ${fresh.every((d) => tracked.find((t) => t.domain === d)?.lastCheckedAt) ? 'yes' : 'no'}`);
for (const d of delays) console.log(`${d.domain} became ${d.to}: shown after ${d.minutes} min`);
console.log(`emails: ${h.emails.length}, audit entries: ${(await h.auditEntries()).length}`);
console.log(`dns-bench calls=${calls} naive=${naive} ratio=${ratio.toFixed(4)} worst_detect_min=${worst}`);
await h.close();
