/** One published record; the same shape as the PurelyMail sandbox's simulated DNS records. */
export interface DnsServerRecord {
  name: string;
  type: 'TXT' | 'MX' | 'CNAME' | 'A';
  /** TXT text, MX exchange, CNAME target or IPv4 address. */
  value: string;
  /** MX only; 10 when absent. */
  priority?: number;
}
