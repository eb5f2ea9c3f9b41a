import { BlockList, isIP } from 'node:net';

/** Where an IMAP connection may go. `allowPrivate` is for local and test mode (dovecot on loopback). */
export interface ImapTargetPolicy {
  allowPrivate: boolean;
  /** Ports a server profile may use; 'any' only together with allowPrivate in local mode. */
  allowedPorts: readonly number[] | 'any';
}

export const STANDARD_IMAP_PORTS = [143, 993] as const;

/** A refusal names the reason; `port` is set when the port, not the address, was refused. */
export type ResolvedTarget = { ok: true; address: string; family: 4 | 6 } | { ok: false; reason: 'blocked' | 'dns'; message: string; port?: true };

export type LookupAll = (host: string) => Promise<{ address: string; family: number }[]>;
// Loaded on first use: most requests never resolve an IMAP host.
const systemLookup: LookupAll = async (host) => (await import('node:dns/promises')).lookup(host, { all: true, verbatim: true });

// Everything that is not the public internet: RFC 1918, CGNAT, loopback, link-local (incl. the cloud
// metadata endpoints 169.254.169.254 and fd00:ec2::254), multicast, documentation and reserved ranges.
const blocked = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blocked.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['2001:db8::', 32], ['100::', 64], ['2001::', 23],
] as const) blocked.addSubnet(net, bits, 'ipv6');

/** IPv4 embedded in an IPv6 address (::ffff:a.b.c.d mapped, 64:ff9b::/96 NAT64), else undefined. */
function embeddedV4(ip: string): string | undefined {
  const lower = ip.toLowerCase();
  const dotted = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1];
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (!hex) return undefined;
  const hi = parseInt(hex[1]!, 16);
  const lo = parseInt(hex[2]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** True for any address that is not routable on the public internet. */
export function isPrivateAddress(ip: string): boolean {
  const family = isIP(ip);
  if (family === 4) return blocked.check(ip, 'ipv4');
  if (family === 6) {
    const v4 = embeddedV4(ip);
    if (v4 !== undefined) return blocked.check(v4, 'ipv4');
    return blocked.check(ip, 'ipv6');
  }
  return true; // not an address at all: refuse rather than guess
}

const fail = (reason: 'blocked' | 'dns', message: string): ResolvedTarget => ({ ok: false, reason, message });

/**
 * Checks an IMAP target before any connection: the port, the literal form of the host, then every A/AAAA
 * record. Returns the address to connect to (pinned, so a second DNS answer cannot rebind it).
 */
export async function resolveImapTarget(hostIn: string, port: number, policy: ImapTargetPolicy, lookup: LookupAll = systemLookup): Promise<ResolvedTarget> {
  if (policy.allowedPorts !== 'any' && !policy.allowedPorts.includes(port)) {
    // The migration tasks' network (the security group on AWS) opens these ports only: say how to open another.
    return {
      ok: false,
      reason: 'blocked',
      port: true,
      message:
        `Port ${port} is not open to IMAP servers in this deployment (it allows ${policy.allowedPorts.join(', ')}). Use 993 or 143, ` +
        `or open ${port}: deploy with -c extraImapPorts=${port} on AWS, set MIGRATION_EXTRA_IMAP_PORTS=${port} locally (infra/README.md, "IMAP ports").`,
    };
  }
  const host = hostIn.startsWith('[') && hostIn.endsWith(']') ? hostIn.slice(1, -1) : hostIn;
  // 2130706433, 0x7f.1, 017700000001 and friends are IPv4 in disguise for inet_aton: refuse the spelling.
  if (isIP(host) === 0 && host.split('.').every((part) => /^(0x[0-9a-f]*|[0-9]+)$/i.test(part))) {
    return fail('blocked', `"${hostIn}" is not a host name or a standard IP address.`);
  }
  let addresses: { address: string; family: number }[];
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await lookup(host);
    } catch {
      return fail('dns', `The name ${hostIn} does not resolve.`);
    }
    if (!addresses.length) return fail('dns', `The name ${hostIn} does not resolve.`);
  }
  if (!policy.allowPrivate) {
    const bad = addresses.find((a) => isPrivateAddress(a.address));
    if (bad) return fail('blocked', `${hostIn} points to a private, loopback, link-local or metadata address (${bad.address}); connections there are not allowed.`);
  }
  const first = addresses[0]!;
  return { ok: true, address: first.address, family: first.family === 6 ? 6 : 4 };
}
