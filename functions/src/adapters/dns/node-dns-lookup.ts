import type { Resolver } from 'node:dns/promises';
import { DnsLookupError } from '../../modules/dns/dns-lookup-error.ts';
import type { DnsLookup, MxRecord } from '../../modules/dns/ports.ts';

export interface NodeDnsLookupOptions {
  /** e.g. ['127.0.0.1:5353'] or ['1.1.1.1']; empty or absent means the system's resolvers. */
  servers?: readonly string[];
  /** Per-attempt timeout; c-ares doubles it on each retry. */
  timeoutMs?: number;
  tries?: number;
}

// Both mean "nothing published here", which a health check reports as missing, not as a failure.
const NOTHING_PUBLISHED = new Set(['ENOTFOUND', 'ENODATA']);

/** Our own DNS lookups, through c-ares (not getaddrinfo) so the servers can be chosen. */
export class NodeDnsLookup implements DnsLookup {
  private resolver: Promise<Resolver> | undefined;

  constructor(private readonly options: NodeDnsLookupOptions = {}) {}

  /** Created on the first lookup: most requests never look anything up, so a cold start skips loading c-ares. */
  private resolve<T>(query: (resolver: Resolver) => Promise<T>): Promise<T> {
    this.resolver ??= import('node:dns/promises').then(({ Resolver }) => {
      const resolver = new Resolver({ timeout: this.options.timeoutMs ?? 2_000, tries: this.options.tries ?? 2 });
      if (this.options.servers && this.options.servers.length > 0) resolver.setServers([...this.options.servers]);
      return resolver;
    });
    return this.resolver.then(query);
  }

  async txt(name: string): Promise<string[]> {
    // A TXT record is a list of ≤255-byte strings that together form one value.
    const records = await this.run(name, 'TXT', () => this.resolve((r) => r.resolveTxt(name)));
    return records.map(joinTxtChunks);
  }

  async mx(name: string): Promise<MxRecord[]> {
    return this.run(name, 'MX', () => this.resolve((r) => r.resolveMx(name)));
  }

  async cname(name: string): Promise<string[]> {
    return this.run(name, 'CNAME', () => this.resolve((r) => r.resolveCname(name)));
  }

  private async run<T>(name: string, type: 'TXT' | 'MX' | 'CNAME', query: () => Promise<T[]>): Promise<T[]> {
    try {
      return await query();
    } catch (error) {
      const code = errorCode(error);
      if (NOTHING_PUBLISHED.has(code)) return [];
      throw new DnsLookupError(name, type, code, { cause: error });
    }
  }
}

/**
 * Node hands each character-string over as Latin-1, one char per byte. Join the bytes before
 * decoding as UTF-8, since a 255-byte split may fall inside a multi-byte character.
 */
function joinTxtChunks(chunks: string[]): string {
  const joined = chunks.join('');
  // eslint-disable-next-line no-control-regex -- a range check, not a control-character match
  if (!/^[\u0000-\u00ff]*$/.test(joined)) return joined;
  return Buffer.from(joined, 'latin1').toString('utf8');
}

function errorCode(error: unknown): string {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') return error.code;
  return String(error);
}
