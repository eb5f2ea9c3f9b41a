import { parseZone } from 'dnsz';
import { describe, expect, it } from 'vitest';
import { expectedRecords } from '../dns/expected-records.ts';
import { bindFragment, CUTOVER_TTL_SECONDS } from './bind-fragment.ts';
import { quoteTxt, unquoteTxt } from './txt-strings.ts';

describe('BIND zone fragment', () => {
  it('parses back (dnsz) into exactly the expected records: $ORIGIN, $TTL, relative names, trailing dots, quoted TXT', () => {
    // Prepare: an ownership code with a quote and a backslash, which a zone file must escape.
    const records = expectedRecords('Example.COM', 'purelymail_ownership_proof=ab"c\\d');
    // Act
    const text = bindFragment('example.com.', records, { generatedAt: new Date('2026-12-07T06:00:00Z') });
    const zone = parseZone(text);
    // Assess
    expect(text).toMatch(/^;; PurelyMail's records for example\.com/);
    expect(text).toContain('$ORIGIN example.com.\n$TTL 300\n');
    expect(zone.origin).toBe('example.com');
    expect(zone.ttl).toBe(CUTOVER_TTL_SECONDS);
    expect(zone.records.map((r) => [r.name, r.ttl, r.class, r.type])).toEqual(records.map((r) => [r.host, 300, 'IN', r.type]));
    const mx = zone.records.find((r) => r.type === 'MX')!;
    expect(mx.content).toBe('10 mailserver.purelymail.com.');
    expect(zone.records.filter((r) => r.type === 'CNAME').map((r) => r.content)).toEqual(['key1.dkimroot.purelymail.com.', 'key2.dkimroot.purelymail.com.', 'key3.dkimroot.purelymail.com.', 'dmarcroot.purelymail.com.']);
    const txt = zone.records.filter((r) => r.type === 'TXT').map((r) => unquoteTxt(r.content));
    expect(txt).toEqual(['purelymail_ownership_proof=ab"c\\d', 'v=spf1 include:_spf.purelymail.com ~all']);
    // Relative names in the file itself (the apex as @), so it pastes into any zone file of that origin.
    expect(text).toMatch(/^@\t300\tIN\tMX\t10 mailserver\.purelymail\.com\.\t; /m);
    expect(text).toMatch(/^_dmarc\t300\tIN\tCNAME\tdmarcroot\.purelymail\.com\.\t; /m);
  });

  it('leaves the ownership record out when the code is unknown', () => {
    const zone = parseZone(bindFragment('example.com', expectedRecords('example.com', null)));
    expect(zone.records.map((r) => r.type)).toEqual(['MX', 'TXT', 'CNAME', 'CNAME', 'CNAME', 'CNAME']);
  });
});

describe('TXT character-strings', () => {
  it('splits a long value into ≤255-byte strings on bytes, and joins them back', () => {
    const long = `v=spf1 ${'include:_spf.example.net '.repeat(15)}~all`;
    const quoted = quoteTxt(long);
    const strings = quoted.match(/"(?:[^"\\]|\\.)*"/g)!;
    expect(strings.length).toBe(2);
    expect(Buffer.byteLength(strings[0]!.slice(1, -1))).toBe(255);
    expect(unquoteTxt(quoted)).toBe(long);
  });

  it('escapes bytes outside printable ASCII as \\DDD: decimal for BIND, octal for Route 53', () => {
    expect(quoteTxt('é')).toBe('"\\195\\169"');
    expect(quoteTxt('é', 8)).toBe('"\\303\\251"');
    for (const base of [8, 10] as const) expect(unquoteTxt(quoteTxt('naïve "quoted" \\ 😀', base), base)).toBe('naïve "quoted" \\ 😀');
    // A value split inside a multi-byte character still decodes whole.
    const split = `${'a'.repeat(254)}é`;
    expect(unquoteTxt(quoteTxt(split))).toBe(split);
    expect(quoteTxt('')).toBe('""');
  });
});
