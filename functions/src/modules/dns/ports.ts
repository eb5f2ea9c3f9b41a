export interface MxRecord {
  exchange: string;
  priority: number;
}

/**
 * Our own view of published DNS. "No such name" and "no data of that type" both return [],
 * because for a health check they mean the same thing: nothing is published. Real failures
 * (timeout, SERVFAIL, refused) throw a DnsLookupError so a broken resolver never reads as "missing".
 */
export interface DnsLookup {
  /** TXT values, each record's character-strings joined into one string. */
  txt(name: string): Promise<string[]>;
  mx(name: string): Promise<MxRecord[]>;
  cname(name: string): Promise<string[]>;
}
