import { normalizeDnsName } from './dns-name.ts';

/**
 * Where a record meant for `host` often lands instead: with the zone typed twice, because the
 * DNS panel already appends it ("purelymail1._domainkey.example.com.example.com").
 */
export function doubledSuffixHost(host: string, domain: string): string {
  return `${normalizeDnsName(host)}.${normalizeDnsName(domain)}`;
}

/** Apex records (MX, SPF, ownership) typed at "www" instead of "@". */
export function wwwHost(domain: string): string {
  return `www.${normalizeDnsName(domain)}`;
}

/** `_domainkey.purelymail1.example.com`: the two labels of the DKIM selector swapped. */
export function backwardsDkimHost(domain: string, index: 1 | 2 | 3): string {
  return `_domainkey.purelymail${index}.${normalizeDnsName(domain)}`;
}

export function apexWrongHosts(domain: string): string[] {
  return [wwwHost(domain), doubledSuffixHost(domain, domain)];
}
