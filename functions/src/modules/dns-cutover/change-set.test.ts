import type { DnsRecordSet } from '@app/shared/schemas/dns-cutover';
import { describe, expect, it } from 'vitest';
import { expectedRecords } from '../dns/expected-records.ts';
import { cutoverChanges, providerChanges, rollbackChanges, savedRecordSets } from './change-set.ts';

const OWNERSHIP = 'purelymail_ownership_proof=0123abcd';
const records = expectedRecords('example.com', OWNERSHIP);

/** An old host's zone: its MX, an SPF with its include and -all, two other verification strings, and a DMARC TXT. */
const oldZone: DnsRecordSet[] = [
  { name: 'example.com', type: 'MX', ttl: 3600, values: ['10 mx1.oldhost.net', '20 mx2.oldhost.net'] },
  { name: 'example.com', type: 'TXT', ttl: 3600, values: ['google-site-verification=xyz', 'v=spf1 include:spf.oldhost.net -all', 'MS=ms123'] },
  { name: '_dmarc.example.com', type: 'TXT', ttl: 3600, values: ['v=DMARC1; p=none'] },
];

describe('cutover change set', () => {
  it('replaces the MX, replaces only the SPF value among the apex TXT values, adds the ownership proof, and deletes the TXT where the DMARC CNAME goes', () => {
    // Act
    const changes = cutoverChanges(records, oldZone);
    // Assess
    expect(changes.map((c) => [c.action, c.name, c.type])).toEqual([
      ['DELETE', '_dmarc.example.com', 'TXT'],
      ['UPSERT', 'example.com', 'MX'],
      ['UPSERT', 'example.com', 'TXT'],
      ['UPSERT', 'purelymail1._domainkey.example.com', 'CNAME'],
      ['UPSERT', 'purelymail2._domainkey.example.com', 'CNAME'],
      ['UPSERT', 'purelymail3._domainkey.example.com', 'CNAME'],
      ['UPSERT', '_dmarc.example.com', 'CNAME'],
    ]);
    const [dmarcTxt, mx, txt] = changes;
    expect(dmarcTxt!.replaced).toEqual(['v=DMARC1; p=none']);
    expect(mx!.after!.values).toEqual(['10 mailserver.purelymail.com']);
    expect(mx!.replaced).toEqual(['10 mx1.oldhost.net', '20 mx2.oldhost.net']);
    // Other TXT values stay; the SPF keeps the old host's include (it still sends during the move) and its -all.
    expect(txt!.after!.values).toEqual(['google-site-verification=xyz', 'MS=ms123', OWNERSHIP, 'v=spf1 include:spf.oldhost.net include:_spf.purelymail.com -all']);
    expect(txt!.replaced).toEqual(['v=spf1 include:spf.oldhost.net -all']);
    expect(changes.find((c) => c.name === '_dmarc.example.com' && c.type === 'CNAME')!.after!.values).toEqual(['dmarcroot.purelymail.com']);
  });

  it('has nothing to change when the records are already published (host names compared without case or trailing dot)', () => {
    const published: DnsRecordSet[] = [
      // PurelyMail's check ignores the priority: 50 stays 50.
      { name: 'example.com', type: 'MX', ttl: 300, values: ['50 MailServer.PurelyMail.com.'] },
      { name: 'example.com', type: 'TXT', ttl: 300, values: ['v=spf1 include:_spf.purelymail.com ~all', OWNERSHIP] },
      ...[1, 2, 3].map((i): DnsRecordSet => ({ name: `purelymail${i}._domainkey.example.com`, type: 'CNAME', ttl: 300, values: [`key${i}.dkimroot.purelymail.com.`] })),
      { name: '_dmarc.example.com', type: 'CNAME', ttl: 300, values: ['dmarcroot.purelymail.com'] },
    ];
    expect(cutoverChanges(records, published)).toEqual([]);
  });

  it('uses PurelyMail’s SPF record when the zone has none, and creates what did not exist', () => {
    const changes = cutoverChanges(records, []);
    expect(changes.every((c) => c.action === 'UPSERT' && c.before === null && c.replaced.length === 0)).toBe(true);
    expect(changes.find((c) => c.type === 'TXT')!.after!.values).toEqual([OWNERSHIP, 'v=spf1 include:_spf.purelymail.com ~all']);
  });

  it('saves the record sets it overwrites, and the rollback restores them and deletes what did not exist before', () => {
    // Prepare
    const changes = cutoverChanges(records, oldZone);
    const saved = savedRecordSets(changes);
    expect(saved).toEqual([
      { name: '_dmarc.example.com', type: 'TXT', existed: true, ttl: 3600, values: ['v=DMARC1; p=none'] },
      { name: 'example.com', type: 'MX', existed: true, ttl: 3600, values: ['10 mx1.oldhost.net', '20 mx2.oldhost.net'] },
      { name: 'example.com', type: 'TXT', existed: true, ttl: 3600, values: oldZone[1]!.values },
      ...[1, 2, 3].map((i) => ({ name: `purelymail${i}._domainkey.example.com`, type: 'CNAME', existed: false, ttl: null, values: [] })),
      { name: '_dmarc.example.com', type: 'CNAME', existed: false, ttl: null, values: [] },
    ]);
    // The zone after the apply, as the provider would hold it.
    const applied = providerChanges(changes).filter((c) => c.action === 'UPSERT').map((c) => c.recordSet);
    // Act
    const rollback = rollbackChanges(saved, applied);
    // Assess: DELETEs first (the CNAME leaves _dmarc before its TXT returns), with the record sets as they are now.
    expect(rollback.map((c) => [c.action, c.recordSet.name, c.recordSet.type])).toEqual([
      ['DELETE', 'purelymail1._domainkey.example.com', 'CNAME'],
      ['DELETE', 'purelymail2._domainkey.example.com', 'CNAME'],
      ['DELETE', 'purelymail3._domainkey.example.com', 'CNAME'],
      ['DELETE', '_dmarc.example.com', 'CNAME'],
      ['UPSERT', '_dmarc.example.com', 'TXT'],
      ['UPSERT', 'example.com', 'MX'],
      ['UPSERT', 'example.com', 'TXT'],
    ]);
    expect(rollback.filter((c) => c.action === 'UPSERT').map((c) => c.recordSet)).toEqual([oldZone[2], oldZone[0], oldZone[1]]);
    // Something created by the panel and already gone (deleted by hand) needs no DELETE.
    expect(rollbackChanges(saved.filter((s) => !s.existed), [])).toEqual([]);
  });
});
