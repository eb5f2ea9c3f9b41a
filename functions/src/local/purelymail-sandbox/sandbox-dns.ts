import { normalizeDnsName, normalizeDnsRecord, type SandboxDnsRecord, type SandboxDnsRecordType } from './sandbox-dns-record.ts';
import type { SandboxState } from './sandbox-state.ts';

/**
 * The sandbox's simulated public DNS. The loopback DNS server serves exactly these records, so the
 * panel's own resolver sees what the sandbox believes is published.
 */
export class SandboxDns {
  constructor(
    private readonly state: () => SandboxState,
    private readonly changed: () => void,
  ) {}

  /** Every record of every zone. */
  list(): SandboxDnsRecord[] {
    return Object.values(this.state().dns).flatMap((records) => records.map((r) => ({ ...r })));
  }

  /** Records with this exact name (case and trailing dot ignored) and type. */
  lookup(name: string, type: SandboxDnsRecordType): SandboxDnsRecord[] {
    const wanted = normalizeDnsName(name);
    return this.list().filter((r) => r.name === wanted && r.type === type);
  }

  /** The zone names that have records. */
  zones(): string[] {
    return Object.keys(this.state().dns).sort();
  }

  zone(zone: string): SandboxDnsRecord[] {
    return (this.state().dns[normalizeDnsName(zone)] ?? []).map((r) => ({ ...r }));
  }

  /** Replaces all records of a zone (an empty list removes the zone). Returns the stored records. */
  replaceZone(zone: string, records: SandboxDnsRecord[]): SandboxDnsRecord[] {
    const apex = normalizeDnsName(zone);
    const normalized = records.map((r) => normalizeDnsRecord(apex, r));
    if (normalized.length === 0) delete this.state().dns[apex];
    else this.state().dns[apex] = normalized;
    this.changed();
    return normalized.map((r) => ({ ...r }));
  }
}
