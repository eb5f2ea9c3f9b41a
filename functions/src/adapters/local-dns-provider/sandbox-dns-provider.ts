import * as z from 'zod';
import type { CutoverRecordType, DnsRecordSet } from '@app/shared/schemas/dns-cutover';
import { normalizeDnsName } from '../../modules/dns/dns-name.ts';
import type { DnsProvider, ProviderChange } from '../../modules/dns-cutover/ports.ts';
import { unquoteTxt } from '../../modules/dns-cutover/txt-strings.ts';

export interface SandboxDnsProviderOptions {
  /** The sandbox's base URL, e.g. http://127.0.0.1:8788 (its control routes refuse non-loopback peers). */
  baseUrl: string;
  /** @default 5000 */
  timeoutMs?: number;
}

/** One record as the sandbox's control routes hold it (local/purelymail-sandbox/sandbox-dns-record.ts). */
const SandboxRecord = z.object({ name: z.string(), type: z.enum(['TXT', 'MX', 'CNAME', 'A']), value: z.string(), priority: z.number().int().optional() });
type SandboxRecord = z.infer<typeof SandboxRecord>;
const ZoneReply = z.object({ records: z.array(SandboxRecord) });

const TYPES: readonly string[] = ['MX', 'TXT', 'CNAME'] satisfies CutoverRecordType[];

/**
 * The DnsProvider port on the PurelyMail sandbox's simulated public DNS (the records the loopback DNS server
 * serves), over its HTTP control routes: `GET /__sandbox/dns/<zone>` reads a zone, `PUT /__sandbox/dns/<zone>`
 * replaces it. Locally it stands in for Route 53: every domain is its own zone, and a change is one PUT of the
 * whole zone (all or nothing). The sandbox keeps no TTL, so record sets read here have none.
 */
export function createSandboxDnsProvider(opts: SandboxDnsProviderOptions): DnsProvider {
  const base = opts.baseUrl.replace(/\/+$/, '');
  const zoneUrl = (zone: string) => `${base}/__sandbox/dns/${encodeURIComponent(normalizeDnsName(zone))}`;
  const call = async (url: string, init?: RequestInit): Promise<SandboxRecord[]> => {
    let res: Response;
    try {
      res = await fetch(url, { ...init, signal: AbortSignal.timeout(opts.timeoutMs ?? 5_000) });
    } catch (err) {
      throw new Error(`the sandbox at ${base} is not reachable (${err instanceof Error && err.name === 'TimeoutError' ? 'timeout' : err instanceof Error ? err.message : String(err)})`, { cause: err });
    }
    if (!res.ok) throw new Error(`the sandbox answered HTTP ${res.status}`);
    const parsed = ZoneReply.safeParse(await res.json().catch(() => null));
    if (!parsed.success) throw new Error('the sandbox sent a zone the panel cannot read');
    return parsed.data.records;
  };

  return {
    kind: 'sandbox',
    zoneFor: (domain) => normalizeDnsName(domain),

    async read(zone, names) {
      const wanted = new Set(names.map(normalizeDnsName));
      const records = (await call(zoneUrl(zone))).filter((r) => wanted.has(normalizeDnsName(r.name)) && TYPES.includes(r.type));
      const sets = new Map<string, DnsRecordSet>();
      for (const r of records) {
        const name = normalizeDnsName(r.name);
        const type = r.type as CutoverRecordType;
        const key = `${name} ${type}`;
        const set = sets.get(key) ?? { name, type, ttl: null, values: [] };
        set.values.push(type === 'MX' ? `${r.priority ?? 10} ${normalizeDnsName(r.value)}` : type === 'TXT' ? unquoteTxt(r.value) : normalizeDnsName(r.value));
        sets.set(key, set);
      }
      return [...sets.values()];
    },

    async change(zone, changes) {
      const touched = (r: SandboxRecord, c: ProviderChange) => normalizeDnsName(r.name) === normalizeDnsName(c.recordSet.name) && r.type === c.recordSet.type;
      let records = await call(zoneUrl(zone));
      for (const c of changes) {
        records = records.filter((r) => !touched(r, c));
        if (c.action === 'UPSERT') records.push(...c.recordSet.values.map((v) => toSandbox(c.recordSet, v)));
      }
      await call(zoneUrl(zone), { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ records }) });
      return { changeId: null };
    },
  };
}

function toSandbox(set: DnsRecordSet, value: string): SandboxRecord {
  const name = normalizeDnsName(set.name);
  if (set.type !== 'MX') return { name, type: set.type, value };
  const [priority, exchange] = value.trim().split(/\s+/);
  return { name, type: 'MX', value: normalizeDnsName(exchange ?? ''), priority: Number(priority) };
}
