import { SavedRecordSet, type DnsChange, type DnsProviderKind, type MxWatch, type OldMx } from '@app/shared/schemas/dns-cutover';
import type { Clock } from '../../platform/clock.ts';
import { normalizeDnsName, sameDnsName } from '../dns/dns-name.ts';
import { expectedRecords, PURELYMAIL_MX_HOST, type ExpectedRecord } from '../dns/expected-records.ts';
import type { DnsLookup } from '../dns/ports.ts';
import { ConflictError, StoredItemInvalidError } from '../errors.ts';
import { cutoverChanges, cutoverNames, providerChanges, rollbackChanges, savedRecordSets, spfToPublish } from './change-set.ts';
import { DnsProviderError } from './errors.ts';
import type { DnsProvider, MxAnswer, MxResolver } from './ports.ts';

export interface DnsCutoverDeps {
  /** Where the panel may change records itself (Route 53 on AWS when ops named zones, the sandbox locally); null: nowhere. */
  provider: DnsProvider | null;
  /** The resolvers our own queries ask (public resolvers on AWS, the loopback DNS server locally). */
  resolvers: readonly MxResolver[];
  /** Our published-DNS lookups, to merge an existing SPF record into the fragment when no provider holds the zone. */
  lookup?: DnsLookup;
  /** PurelyMail's own MX verdict for the domain (its dnsSummary after a recheck); null when it cannot be read. */
  purelymailMxVerdict?: (domain: string) => Promise<boolean | null>;
  clock: Clock;
}

export interface DnsPlan {
  /** The BIND zone fragment to download or copy. */
  bind: string;
  /** The records to publish (PurelyMail's expected records; SPF merged with the SPF already published). */
  records: ExpectedRecord[];
  /** The zone the panel can change itself; null when no provider manages the domain. */
  provider: { kind: DnsProviderKind; zone: string } | null;
  /** What "Apply" would change (empty when everything is already published); null without a provider or when it could not be read. */
  changeSet: DnsChange[] | null;
  /** Why the change set is missing although a provider manages the zone (it could not be read). */
  providerError: string | null;
}

export interface DnsCutover {
  /** The old MX hosts and their TTL, read with our own queries (dns-packet over UDP to the configured resolvers). */
  oldMx(domain: string): Promise<OldMx>;
  /** The records to publish (expectedRecords incl. ownership), the BIND fragment, and — when a provider manages the zone — the change set. */
  plan(domain: string, ownershipCode: string | null): Promise<DnsPlan>;
  /** Applies the change set through the provider; returns the records it replaced (to save for rollback). */
  apply(domain: string, ownershipCode: string | null): Promise<{ provider: DnsProviderKind; saved: SavedRecordSet[]; changeId: string | null; changes: DnsChange[] }>;
  /**
   * Puts the saved record sets back (UPSERT the saved, DELETE the ones that did not exist before). `saved` is what
   * `apply` returned, as stored: checked against SavedRecordSet first (StoredItemInvalidError, nothing changed, if not).
   */
  rollback(domain: string, saved: readonly unknown[]): Promise<void>;
  /** Asks every configured resolver for the MX; `everywhere` when all answer PurelyMail's host only. */
  watch(domain: string): Promise<MxWatch>;
}

/**
 * The DNS half of a domain move (issue 19, steps 1 and 4): the old MX and its TTL, the records to publish as a zone
 * fragment, applying them through a provider with the old record sets saved, rolling back, and watching resolution.
 * Lookup failures become outcomes (an `error` per resolver, `providerError`); only an explicit apply or rollback
 * that cannot happen throws (ConflictError without a provider, DnsProviderError when the provider fails).
 */
export function makeDnsCutover(deps: DnsCutoverDeps): DnsCutover {
  const managed = (domain: string) => {
    const zone = deps.provider?.zoneFor(domain) ?? null;
    return deps.provider && zone ? { provider: deps.provider, zone } : null;
  };
  const requireProvider = (domain: string, what: string) => {
    const m = managed(domain);
    if (!m) throw new ConflictError(`The DNS zone of ${domain} is not one the panel may change, so it cannot ${what}. Publish the records shown yourself.`, 'dns_not_managed');
    return m;
  };
  const readZone = async (m: { provider: DnsProvider; zone: string }, names: string[]) => {
    try {
      return await m.provider.read(m.zone, names);
    } catch (err) {
      throw new DnsProviderError(m.provider.kind, 'read', describe(err), { cause: err });
    }
  };
  const changeZone = async (m: { provider: DnsProvider; zone: string }, changes: Parameters<DnsProvider['change']>[1], comment: string) => {
    try {
      return await m.provider.change(m.zone, changes, comment);
    } catch (err) {
      throw new DnsProviderError(m.provider.kind, 'change', describe(err), { cause: err });
    }
  };

  return {
    async oldMx(domain) {
      const name = normalizeDnsName(domain);
      const readAt = deps.clock.now().toISOString();
      const answers = await Promise.allSettled(deps.resolvers.map((r) => r.mx(name)));
      const ok = answers.flatMap((a, i) => (a.status === 'fulfilled' ? [{ resolver: deps.resolvers[i]!, answer: a.value }] : []));
      const base = { readAt, asked: deps.resolvers.length, answered: ok.length };
      if (ok.length === 0) {
        // Each failure names its resolver ("1.1.1.1 did not answer within 2 s").
        const why = answers.map((a) => (a.status === 'rejected' ? describe(a.reason) : 'no answer')).join('; ');
        return { ...base, hosts: [], ttlSeconds: null, ttlFrom: null, error: deps.resolvers.length === 0 ? 'No DNS resolver is configured.' : `No resolver answered (${why}).` };
      }
      const hosts = uniqueHosts(ok.map((o) => o.answer));
      if (hosts.length === 0) return { ...base, hosts, ttlSeconds: null, ttlFrom: null, error: null };
      // The TTL as configured: from an authoritative answer, else from the zone's own nameserver (found through the
      // first resolver that answered); a cached answer's TTL only says how much of it is left.
      const authoritative = ok.find((o) => o.answer.authoritative && o.answer.ttlSeconds !== null)?.answer ?? (await ok[0]!.resolver.authoritativeMx(name).catch(() => null));
      if (authoritative?.ttlSeconds != null) return { ...base, hosts, ttlSeconds: authoritative.ttlSeconds, ttlFrom: 'authoritative', error: null };
      // A resolver's TTL is what remains of its cached copy: the highest seen is the closest to the configured one.
      return { ...base, hosts, ttlSeconds: Math.max(...ok.map((o) => o.answer.ttlSeconds ?? 0)), ttlFrom: 'resolver', error: null };
    },

    async plan(domain, ownershipCode) {
      const name = normalizeDnsName(domain);
      const expected = expectedRecords(name, ownershipCode);
      const m = managed(name);
      let changeSet: DnsChange[] | null = null;
      let providerError: string | null = null;
      let apexTxt: string[] | null = null;
      if (m) {
        try {
          const current = await readZone(m, cutoverNames(expected));
          changeSet = cutoverChanges(expected, current);
          apexTxt = current.find((s) => sameDnsName(s.name, name) && s.type === 'TXT')?.values ?? [];
        } catch (err) {
          providerError = describe(err);
        }
      }
      apexTxt ??= deps.lookup ? await deps.lookup.txt(name).catch(() => []) : [];
      const records = expected.map((r) => (r.kind === 'spf' ? { ...r, value: spfToPublish(apexTxt, r.value) } : r));
      // The zone-file writer is loaded when a plan is asked for (rarely), not at every cold start.
      const { bindFragment } = await import('./bind-fragment.ts');
      return {
        bind: bindFragment(name, records, { generatedAt: deps.clock.now() }),
        records,
        provider: m ? { kind: m.provider.kind, zone: m.zone } : null,
        changeSet,
        providerError,
      };
    },

    async apply(domain, ownershipCode) {
      const name = normalizeDnsName(domain);
      const m = requireProvider(name, 'apply the records');
      const expected = expectedRecords(name, ownershipCode);
      const changes = cutoverChanges(expected, await readZone(m, cutoverNames(expected)));
      if (changes.length === 0) return { provider: m.provider.kind, saved: [], changeId: null, changes };
      const { changeId } = await changeZone(m, providerChanges(changes), `PurelyManage: move ${name} to PurelyMail`);
      return { provider: m.provider.kind, saved: savedRecordSets(changes), changeId, changes };
    },

    async rollback(domain, stored) {
      const name = normalizeDnsName(domain);
      const parsed = SavedRecordSet.array().safeParse(stored);
      if (!parsed.success) throw new StoredItemInvalidError(`DNS records saved before the switch of ${name}`);
      const saved = parsed.data;
      if (saved.length === 0) return;
      const m = requireProvider(name, 'roll the records back');
      const current = await readZone(m, [...new Set(saved.map((s) => normalizeDnsName(s.name)))]);
      const changes = rollbackChanges(saved, current);
      if (changes.length > 0) await changeZone(m, changes, `PurelyManage: roll back the move of ${name}`);
    },

    async watch(domain) {
      const name = normalizeDnsName(domain);
      const [answers, verdict] = await Promise.all([Promise.allSettled(deps.resolvers.map((r) => r.mx(name))), deps.purelymailMxVerdict ? deps.purelymailMxVerdict(name).catch(() => null) : Promise.resolve(null)]);
      const resolvers = answers.map((a, i) => {
        const resolver = deps.resolvers[i]!.label;
        if (a.status === 'rejected') return { resolver, mx: [], purelymail: false, error: describe(a.reason) };
        const mx = a.value.hosts.map((h) => h.exchange);
        return { resolver, mx, purelymail: mx.length > 0 && mx.every((h) => sameDnsName(h, PURELYMAIL_MX_HOST)), error: null };
      });
      return {
        at: deps.clock.now().toISOString(),
        resolvers,
        everywhere: resolvers.length > 0 && resolvers.every((r) => r.purelymail),
        asked: resolvers.length,
        purelymailVerdict: verdict,
      };
    },
  };

}

/** Every MX host any resolver answered, lowest priority first, each once. */
function uniqueHosts(answers: MxAnswer[]): string[] {
  const hosts = answers.flatMap((a) => a.hosts).sort((a, b) => a.priority - b.priority);
  return [...new Set(hosts.map((h) => normalizeDnsName(h.exchange)))];
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
