import type * as dnsPacket from 'dns-packet';
import type { MxAnswer, MxResolver } from '../../modules/dns-cutover/ports.ts';
import { once } from '../../platform/once.ts';
import { parseServer } from './dns-server-address.ts';
import type { DnsReply, UdpQueryOptions } from './udp-dns-query.ts';

// dns-packet is loaded on the first query: few requests ask (a domain move's steps), so a cold start skips it.
const loadUdp = once(() => import('./udp-dns-query.ts'));

/** How many of the zone's nameservers to try before giving up on an authoritative answer. */
const NAMESERVERS_TRIED = 2;

/** An MxResolver asking one server (`1.1.1.1`, `127.0.0.1:5353`) over UDP. */
export interface UdpMxResolverOptions extends Omit<UdpQueryOptions, 'recursionDesired'> {
  /** Where the zone's own nameservers listen. @default 53 (tests point it at a loopback server) */
  nameserverPort?: number;
}

export function createUdpMxResolver(server: string, opts: UdpMxResolverOptions = {}): MxResolver {
  parseServer(server); // a bad address fails when the composition is built, not on the first move
  const label = server.trim();
  return {
    label,
    async mx(domain) {
      const { queryUdp } = await loadUdp();
      return toMxAnswer(await queryUdp(label, domain, 'MX', opts));
    },
    async authoritativeMx(domain) {
      const { queryUdp, DnsQueryError } = await loadUdp();
      let nameservers: string[];
      try {
        const ns = await queryUdp(label, domain, 'NS', opts);
        nameservers = ns.answers.filter((a): a is dnsPacket.StringAnswer => a.type === 'NS').map((a) => a.data);
      } catch {
        return null;
      }
      for (const nameserver of nameservers.slice(0, NAMESERVERS_TRIED)) {
        try {
          const a = await queryUdp(label, nameserver, 'A', opts);
          const address = a.answers.find((r): r is dnsPacket.StringAnswer => r.type === 'A')?.data;
          if (!address) continue;
          const reply = await queryUdp(opts.nameserverPort ? `${address}:${opts.nameserverPort}` : address, domain, 'MX', { ...opts, recursionDesired: false });
          if (reply.authoritative) return toMxAnswer(reply);
        } catch (err) {
          if (!(err instanceof DnsQueryError)) throw err;
        }
      }
      return null;
    },
  };
}

function toMxAnswer(reply: DnsReply): MxAnswer {
  const mx = reply.answers.filter((a): a is dnsPacket.MxAnswer => a.type === 'MX');
  return {
    hosts: mx.map((a) => ({ exchange: a.data.exchange.replace(/\.$/, '').toLowerCase(), priority: a.data.preference ?? 0 })),
    ttlSeconds: mx.length === 0 ? null : Math.min(...mx.map((a) => a.ttl ?? 0)),
    authoritative: reply.authoritative,
  };
}
