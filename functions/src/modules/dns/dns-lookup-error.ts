/** A lookup that could not tell whether a record exists (timeout, SERVFAIL, refused, bad reply). */
export class DnsLookupError extends Error {
  override readonly name = 'DnsLookupError';

  constructor(
    readonly hostname: string,
    readonly recordType: 'TXT' | 'MX' | 'CNAME',
    /** The resolver's error code, e.g. ETIMEOUT, ESERVFAIL, ECONNREFUSED. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${recordType} lookup for ${hostname} failed (${reason})`, options);
  }
}
