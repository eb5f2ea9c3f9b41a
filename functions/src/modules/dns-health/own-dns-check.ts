import { createHash } from 'node:crypto';
import { diagnoseDomain } from '../dns/diagnose-domain.ts';
import type { DnsLookup } from '../dns/ports.ts';

/**
 * Our own lookups for one domain (free: no PurelyMail call). Returns a digest of what is published and
 * how each record fares, or null when a lookup failed (a broken resolver must not look like a change).
 */
export async function ownDnsCheck(domain: string, lookup: DnsLookup, now: Date): Promise<{ fingerprint: string; failing: number } | null> {
  // No ownership code: asking PurelyMail for it would cost a call, and ownership does not affect mail flow.
  const report = await diagnoseDomain({ domain, ownershipCode: null, lookup, now });
  if (report.lookupError) return null;
  const digest = createHash('sha256');
  for (const r of report.records) digest.update(`${r.kind}|${r.status}|${JSON.stringify(r.published)}\n`);
  return { fingerprint: digest.digest('hex').slice(0, 32), failing: report.failing };
}
