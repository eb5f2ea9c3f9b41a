import type { ListResourceRecordSetsCommandOutput, Route53Client, ResourceRecordSet } from '@aws-sdk/client-route-53';
import type { CutoverRecordType, DnsRecordSet } from '@app/shared/schemas/dns-cutover';
import { normalizeDnsName } from '../../modules/dns/dns-name.ts';
import type { DnsProvider } from '../../modules/dns-cutover/ports.ts';
import { quoteTxt, unquoteTxt } from '../../modules/dns-cutover/txt-strings.ts';
import { once } from '../../platform/once.ts';

export interface Route53DnsProviderOptions {
  client?: Route53Client;
  /** Zone apex → hosted zone id, as ops named them (`ROUTE53_ZONES`, CDK context `route53Zones`). */
  zones: Readonly<Record<string, string>>;
  /**
   * How long `change` waits for GetChange to say INSYNC (Route 53's own servers have the change) before returning;
   * 0 does not wait. The api Lambda has 29 s in all. @default 10000
   */
  syncWaitMs?: number;
  /** @default 1000 */
  syncPollMs?: number;
}

const TYPES: readonly CutoverRecordType[] = ['MX', 'TXT', 'CNAME'];
const PAGE = '100';

/**
 * The DnsProvider port on Route 53, for the hosted zones ops allowed (IAM grants exactly those): ListResourceRecordSets
 * for the names a cutover touches, one ChangeResourceRecordSets batch (all or nothing) with a Comment, GetChange until
 * INSYNC. TXT values are read and written in Route 53's quoted form (octal escapes); values read are written back
 * byte for byte, since a DELETE must match the record set exactly.
 */
export function createRoute53DnsProvider(opts: Route53DnsProviderOptions): DnsProvider {
  const zones = Object.entries(opts.zones).map(([apex, id]) => ({ apex: normalizeDnsName(apex), id: id.replace(/^\/?hostedzone\//, '') }));
  // The Route 53 SDK is loaded on the first read or change, not at every cold start.
  const load = once(() =>
    import('./route53-sdk.ts').then((sdk) => ({
      ...sdk,
      // Route 53 is a global service whose API lives in us-east-1, whatever the Lambda's region.
      client: opts.client ?? new sdk.Route53Client({ region: 'us-east-1' }),
    })),
  );
  /** Neutral TXT text → the exact value Route 53 returned, so kept and deleted values round-trip unchanged. */
  const rawTxt = new Map<string, string>();
  const zoneId = (zone: string) => {
    const found = zones.find((z) => z.apex === normalizeDnsName(zone));
    if (!found) throw new Error(`${zone} is not one of the Route 53 zones this deployment may change`);
    return found.id;
  };

  return {
    kind: 'route53',
    zoneFor(domain) {
      const name = normalizeDnsName(domain);
      const matching = zones.filter((z) => name === z.apex || name.endsWith(`.${z.apex}`));
      return matching.sort((a, b) => b.apex.length - a.apex.length)[0]?.apex ?? null;
    },

    async read(zone, names) {
      const { client, ListResourceRecordSetsCommand } = await load();
      const HostedZoneId = zoneId(zone);
      const sets: DnsRecordSet[] = [];
      for (const name of names.map(normalizeDnsName)) {
        let start: { StartRecordName: string; StartRecordType?: ResourceRecordSet['Type'] } | undefined = { StartRecordName: `${name}.` };
        while (start) {
          const page: ListResourceRecordSetsCommandOutput = await client.send(new ListResourceRecordSetsCommand({ HostedZoneId, ...start, MaxItems: Number(PAGE) }));
          const here = (page.ResourceRecordSets ?? []).filter((s) => normalizeDnsName(decodeName(s.Name ?? '')) === name);
          for (const s of here) {
            const type = s.Type as CutoverRecordType;
            if (!TYPES.includes(type)) continue;
            if (s.AliasTarget || s.SetIdentifier) {
              throw new Error(`the ${type} record at ${name} is a Route 53 ${s.AliasTarget ? 'alias' : 'routing-policy'} record, which the panel does not change; change it in the Route 53 console`);
            }
            sets.push({ name, type, ttl: s.TTL ?? null, values: (s.ResourceRecords ?? []).map((r) => fromRoute53(type, r.Value ?? '')) });
          }
          // Pages are in name order: stop once the listing has moved past this name.
          const more = page.IsTruncated === true && page.NextRecordName !== undefined && normalizeDnsName(decodeName(page.NextRecordName)) === name;
          start = more ? { StartRecordName: page.NextRecordName!, StartRecordType: page.NextRecordType } : undefined;
        }
      }
      return sets;
    },

    async change(zone, changes, comment) {
      const { client, ChangeResourceRecordSetsCommand, GetChangeCommand } = await load();
      const out = await client.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: zoneId(zone),
          ChangeBatch: {
            Comment: comment,
            Changes: changes.map((c) => ({
              Action: c.action,
              ResourceRecordSet: {
                Name: `${normalizeDnsName(c.recordSet.name)}.`,
                Type: c.recordSet.type,
                TTL: c.recordSet.ttl ?? 300,
                ResourceRecords: c.recordSet.values.map((v) => ({ Value: toRoute53(c.recordSet.type, v) })),
              },
            })),
          },
        }),
      );
      const changeId = out.ChangeInfo?.Id?.replace(/^\/?change\//, '') ?? null;
      const waitMs = opts.syncWaitMs ?? 10_000;
      if (changeId && waitMs > 0 && out.ChangeInfo?.Status !== 'INSYNC') {
        const deadline = Date.now() + waitMs;
        while (Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, opts.syncPollMs ?? 1_000));
          const status = await client.send(new GetChangeCommand({ Id: changeId })).then((c) => c.ChangeInfo?.Status, () => undefined);
          if (status === 'INSYNC') break;
        }
      }
      return { changeId };
    },
  };

  function fromRoute53(type: CutoverRecordType, value: string): string {
    if (type !== 'TXT') return normalizeValue(value);
    const text = unquoteTxt(value, 8);
    rawTxt.set(text, value);
    return text;
  }

  function toRoute53(type: CutoverRecordType, value: string): string {
    if (type === 'TXT') return rawTxt.get(value) ?? quoteTxt(value, 8);
    if (type === 'MX') {
      const [priority, exchange] = value.trim().split(/\s+/);
      return `${priority} ${normalizeDnsName(exchange ?? '')}.`;
    }
    return `${normalizeDnsName(value)}.`;
  }
}

/** MX "10 Mail.Example.com." → "10 mail.example.com"; CNAME "Target.example." → "target.example". */
function normalizeValue(value: string): string {
  return value.trim().split(/\s+/).map(normalizeDnsName).join(' ');
}

/** Route 53 returns some characters of names as octal escapes (`\052` for `*`). */
function decodeName(name: string): string {
  return name.replace(/\\(\d{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}
