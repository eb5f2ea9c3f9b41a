import * as z from 'zod';

/** One published record. `name` is a lower-case FQDN without the trailing dot. */
export const SandboxDnsRecord = z.object({
  name: z.string(),
  type: z.enum(['TXT', 'MX', 'CNAME', 'A']),
  value: z.string(),
  priority: z.number().int().min(0).optional(),
});
export type SandboxDnsRecord = z.infer<typeof SandboxDnsRecord>;
export type SandboxDnsRecordType = SandboxDnsRecord['type'];

export function normalizeDnsName(name: string): string {
  return name.trim().toLowerCase().replace(/\.+$/, '');
}

/**
 * Makes a record canonical for a zone: "@" or "" means the apex, a relative name gets the zone
 * appended, host-name values (MX, CNAME) are lower-cased without trailing dot. TXT stays verbatim.
 */
export function normalizeDnsRecord(zone: string, record: SandboxDnsRecord): SandboxDnsRecord {
  const apex = normalizeDnsName(zone);
  const raw = normalizeDnsName(record.name);
  const name = raw === '' || raw === '@' ? apex : raw === apex || raw.endsWith(`.${apex}`) ? raw : `${raw}.${apex}`;
  const value = record.type === 'MX' || record.type === 'CNAME' ? normalizeDnsName(record.value) : record.value;
  const normalized: SandboxDnsRecord = { name, type: record.type, value };
  if (record.type === 'MX') normalized.priority = record.priority ?? 10;
  return normalized;
}
